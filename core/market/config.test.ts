import { describe, expect, test } from "vitest";
import { ETH_PERP, WETH_USDC } from "../engine/fixtures";
import { Exchange } from "../engine/exchange";
import { validateMarketConfig, type MarketConfig } from "./config";

describe("validateMarketConfig", () => {
  test.each([
    ["zero tick", { ...WETH_USDC, tickSizeQuote: 0n }, "tickSizeQuote"],
    ["zero lot", { ...WETH_USDC, lotSizeBase: 0n }, "lotSizeBase"],
    ["free taker", { ...WETH_USDC, takerFeePips: 0n }, "takerFeePips"],
    ["rebate above the taker fee", { ...WETH_USDC, makerFeePips: -600n }, "makerFeePips"],
    ["same base and quote", { ...WETH_USDC, base: WETH_USDC.quote }, "base.symbol"],
    ["initial margin under 1/maxLeverage", { ...ETH_PERP, initialMarginBps: 500n }, "initialMarginBps"],
    ["maintenance not below initial", { ...ETH_PERP, maintenanceMarginBps: 1_000n }, "maintenanceMarginBps"],
    ["perp without funding interval", { ...ETH_PERP, fundingIntervalMs: undefined }, "fundingIntervalMs"],
  ] as [string, MarketConfig, string][])("%s is refused, naming the field", (_name, config, field) => {
    const r = validateMarketConfig(config);
    expect(r).toMatchObject({ code: "MARKET_CONFIG_INVALID", details: { field } });
  });

  test("a spot market gets spot defaults; a perp keeps its fields", () => {
    expect(validateMarketConfig(WETH_USDC)).toMatchObject({ kind: "spot", triggerSource: "last", maxLeverage: 1n });
    expect(validateMarketConfig(ETH_PERP)).toMatchObject({ kind: "perp", triggerSource: "mark", maxLeverage: 10n });
  });

  test("the engine refuses a clashing market and an asset with other decimals", () => {
    expect(() => Exchange.create([WETH_USDC, WETH_USDC])).toThrow(/exists/);
    const ex = Exchange.create([WETH_USDC]);
    const [e] = ex.apply({
      type: "addMarket",
      config: { ...WETH_USDC, symbol: "X", base: { symbol: "WETH", decimals: 8 } },
    });
    expect(e).toMatchObject({
      type: "rejected",
      code: "ASSET_DECIMALS_MISMATCH",
      details: { asset: "WETH", decimals: 8, known: 18 },
    });
  });
});
