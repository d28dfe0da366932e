import { describe, expect, it } from "vitest";
import { Exchange } from "../../core/engine";
import { isClearlineError } from "../../core/errors";
import type { MarketView } from "../../core/market/view";
import { priceFromPerLotDown, priceToPerLot, toEngineMarketConfig } from "./market-config";

function view(
  p: Partial<MarketView> & Pick<MarketView, "symbol" | "kind" | "tickSize" | "lotSize" | "base" | "quote">,
): MarketView {
  return {
    status: "ACTIVE",
    minNotional: 10_000_000n,
    maxLeverage: 20,
    initialMarginBps: 500,
    maintenanceMarginBps: 250,
    makerFeePips: 100,
    takerFeePips: 500,
    fundingIntervalSec: p.kind === "PERP" ? 3600 : null,
    fundingCapPips: p.kind === "PERP" ? 5000 : null,
    ...p,
  };
}

const USDC = { symbol: "USDC", decimals: 6 };
const WETH = { symbol: "WETH", decimals: 18 };
const WBTC = { symbol: "WBTC", decimals: 8 };
// the seeded demo markets (docs/DATABASE.md "Market parameters")
const WETH_USDC = view({
  symbol: "WETH-USDC",
  kind: "SPOT",
  tickSize: 10_000n,
  lotSize: 10n ** 14n,
  base: WETH,
  quote: USDC,
  maxLeverage: 1,
  initialMarginBps: 10_000,
  maintenanceMarginBps: 10_000,
});
const ETH_PERP = view({
  symbol: "ETH-PERP",
  kind: "PERP",
  tickSize: 10_000n,
  lotSize: 10n ** 15n,
  base: WETH,
  quote: USDC,
});
const BTC_PERP = view({
  symbol: "BTC-PERP",
  kind: "PERP",
  tickSize: 100_000n,
  lotSize: 10_000n,
  base: WBTC,
  quote: USDC,
  maxLeverage: 25,
  initialMarginBps: 400,
  maintenanceMarginBps: 200,
});

describe("market config: the Market table's per-whole-token tick → the engine's per-lot tick", () => {
  it.each([
    // market, tick per whole token, lot, engine tick per lot
    ["WETH-USDC: 0.01 USDC/WETH, lot 0.0001 WETH", WETH_USDC, 1n],
    ["ETH-PERP: 0.01 USDC/ETH, lot 0.001 ETH", ETH_PERP, 10n],
    ["BTC-PERP: 0.1 USDC/BTC, lot 0.0001 BTC", BTC_PERP, 10n],
    [
      "18-decimal quote: 1e-6 WETH per WBTC, lot 0.0001 WBTC",
      view({ symbol: "WBTC-WETH", kind: "SPOT", tickSize: 10n ** 12n, lotSize: 10_000n, base: WBTC, quote: WETH }),
      10n ** 8n,
    ],
    [
      "6-decimal base: tick 1 unit, lot = one whole token",
      view({
        symbol: "X-USDC",
        kind: "SPOT",
        tickSize: 1n,
        lotSize: 1_000_000n,
        base: { symbol: "X", decimals: 6 },
        quote: USDC,
      }),
      1n,
    ],
  ])("%s", (_name, m, tickPerLot) => {
    const c = toEngineMarketConfig(m);
    expect(c.tickSizeQuote).toBe(tickPerLot);
    expect(c.lotSizeBase).toBe(m.lotSize);
    expect(c.minNotionalQuote).toBe(m.minNotional);
    // the engine accepts it
    expect(() => Exchange.create([c])).not.toThrow();
  });

  it("maps perpetual parameters (funding seconds → ms, rates as bigint) and fills defaults the table lacks", () => {
    expect(toEngineMarketConfig(BTC_PERP)).toMatchObject({
      kind: "perp",
      maxLeverage: 25n,
      initialMarginBps: 400n,
      maintenanceMarginBps: 200n,
      makerFeePips: 100n,
      takerFeePips: 500n,
      fundingIntervalMs: 3_600_000,
      fundingCapPips: 5_000n,
      liquidationFeePips: 5_000n,
      markBandBps: 500n,
      triggerSource: "mark",
    });
  });

  it("refuses a tick that is not a whole number of quote units per lot", () => {
    // 0.01 USDC per ETH with a lot of 1 wei: 10_000 * 1 / 1e18 is not an integer
    const bad = view({ symbol: "BAD", kind: "SPOT", tickSize: 10_000n, lotSize: 1n, base: WETH, quote: USDC });
    try {
      toEngineMarketConfig(bad);
      expect.unreachable();
    } catch (e) {
      expect(isClearlineError(e) && e.code).toBe("MARKET_CONFIG_INVALID");
    }
  });

  it.each([
    // market, price per whole token (what traders see), per lot (what the engine uses)
    [ETH_PERP, 3_000_000_000n, 3_000_000n], // 3000 USDC/ETH = 3 USDC per 0.001 ETH
    [ETH_PERP, 3_000_010_000n, 3_000_010n], // one tick above
    [BTC_PERP, 60_000_000_000n, 6_000_000n], // 60000 USDC/BTC = 6 USDC per 0.0001 BTC
    [BTC_PERP, 60_000_100_000n, 6_000_010n],
    [WETH_USDC, 2_500_000_000n, 250_000n], // 2500 USDC/WETH = 0.25 USDC per 0.0001 WETH
    [WETH_USDC, 10_000n, 1n], // one tick
  ])("%# price %s per whole token ↔ %s per lot, exactly both ways", (m, perWhole, perLot) => {
    expect(priceToPerLot(m, perWhole)).toBe(perLot);
    expect(priceFromPerLotDown(m, perLot)).toBe(perWhole);
  });

  it.each([
    [ETH_PERP, 3_000_005_000n], // half a tick
    [BTC_PERP, 60_000_010_000n], // 0.01 USDC on a 0.1 USDC tick
    [WETH_USDC, 1n],
  ])("refuses an off-tick price %#", (m, perWhole) => {
    try {
      priceToPerLot(m, perWhole);
      expect.unreachable();
    } catch (e) {
      expect(isClearlineError(e) && e.code).toBe("PRICE_NOT_ON_TICK");
    }
  });

  it("rounds an off-grid per-lot price (a mark) down to whole-token units", () => {
    // BTC-PERP: 1 unit per lot = 10_000 units per whole BTC exactly; ETH-PERP: 1 per lot = 1000 per whole
    expect(priceFromPerLotDown(ETH_PERP, 3_000_001n)).toBe(3_000_001_000n);
    // a lot that does not divide 10^decimals evenly: 3 base units per lot of a 0-decimal token
    const odd = view({
      symbol: "ODD",
      kind: "SPOT",
      tickSize: 1n,
      lotSize: 3n,
      base: { symbol: "O", decimals: 0 },
      quote: USDC,
    });
    expect(priceFromPerLotDown(odd, 10n)).toBe(3n); // 10/3 rounded down
    expect(priceFromPerLotDown(odd, -10n)).toBe(-4n); // floor, not truncation
  });
});
