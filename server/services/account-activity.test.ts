import { describe, expect, test } from "vitest";
import type { EngineEvent } from "../../core/engine";
import type { MarketView } from "../../core/market/view";
import { activityRowSchema, assetDecimals, toActivity, toActivityRow, type ActivityUnits } from "./account-activity";

const ME = "0x00000000000000000000000000000000000000aa";
const OTHER = "0x00000000000000000000000000000000000000bb";

const ETH_PERP: MarketView = {
  symbol: "ETH-PERP",
  kind: "PERP",
  status: "ACTIVE",
  base: { symbol: "WETH", decimals: 18 },
  quote: { symbol: "USDC", decimals: 6 },
  tickSize: 10_000n, // 0.01 USDC
  lotSize: 10n ** 15n, // 0.001 WETH
  minNotional: 10_000_000n,
  maxLeverage: 20,
  initialMarginBps: 500,
  maintenanceMarginBps: 250,
  makerFeePips: 100,
  takerFeePips: 500,
  fundingIntervalSec: 3600,
  fundingCapPips: 1000,
};
const units: ActivityUnits = { market: (s) => (s === ETH_PERP.symbol ? ETH_PERP : null), markets: () => [ETH_PERP] };
const decimals = assetDecimals(units);
/** 3000.5 USDC per WETH is 3_000_500_000 per whole token, 3_000_500 per lot of 0.001 */
const PER_LOT_3000_5 = 3_000_500n;

const fill = (maker: string, taker: string): EngineEvent => ({
  type: "fill",
  market: "ETH-PERP",
  pricePerLot: PER_LOT_3000_5,
  sizeBase: 1_500n * 10n ** 15n,
  notionalQuote: 4_500_750_000n,
  takerSide: "buy",
  makerOrderId: 7,
  takerOrderId: 9,
  maker,
  taker,
  makerFeeQuote: -450_075n,
  takerFeeQuote: 2_250_375n,
  liquidation: false,
});

describe("the trader's activity on the wire", () => {
  test("a fill is the trader's side, in whole tokens, with no address at all", () => {
    expect(toActivity(fill(OTHER, ME), ME, units, decimals)).toEqual({
      kind: "fill",
      market: "ETH-PERP",
      orderId: 9,
      side: "buy",
      role: "taker",
      price: { value: "3000.5", symbol: "USDC" },
      size: { value: "1.5", symbol: "WETH" },
      notional: { value: "4500.75", symbol: "USDC" },
      fee: { value: "2.250375", symbol: "USDC" },
      liquidation: false,
    });
    expect(toActivity(fill(ME, OTHER), ME, units, decimals)).toMatchObject({
      orderId: 7,
      side: "sell",
      role: "maker",
      fee: { value: "-0.450075", symbol: "USDC" },
    });
    const wire = JSON.stringify(toActivity(fill(OTHER, ME), ME, units, decimals));
    expect(wire).not.toContain(OTHER.slice(2));
    expect(wire).not.toContain(ME.slice(2));
  });

  test("someone else's fill, and market-wide events, are not the trader's to see", () => {
    expect(toActivity(fill(OTHER, OTHER), ME, units, decimals)).toBeNull();
    expect(
      toActivity({ type: "markPrice", market: "ETH-PERP", indexPerLot: 1n, markPerLot: 1n }, ME, units, decimals),
    ).toBeNull();
  });

  test.each([
    [ME, OTHER, "liquidated"],
    [OTHER, ME, "deleveraged"],
  ] as const)("ADL with account %s and counterparty %s is %s for the trader, naming nobody", (account, cp, side) => {
    const a = toActivity(
      { type: "adl", market: "ETH-PERP", account, counterparty: cp, sizeBase: 10n ** 18n, pricePerLot: 3_000_000n },
      ME,
      units,
      decimals,
    );
    expect(a).toEqual({
      kind: "adl",
      market: "ETH-PERP",
      yourSide: side,
      size: { value: "1", symbol: "WETH" },
      price: { value: "3000", symbol: "USDC" },
    });
  });

  test("an off-tick per-lot price rounds down to the quote unit", () => {
    const a = toActivity(
      { type: "triggerAccepted", orderId: 1, account: ME, market: "ETH-PERP", kind: "stop", triggerPerLot: 1n },
      ME,
      units,
      decimals,
    );
    // 1 quote unit per lot of 0.001 = 1000 units per whole token = 0.001 USDC
    expect(a).toMatchObject({ trigger: { value: "0.001", symbol: "USDC" } });
  });

  test("a row carries the version and passes the wire schema", () => {
    const row = toActivityRow({ seq: 5n, idx: 2, timeMs: 1n, event: fill(OTHER, ME) }, ME, units);
    expect(row).toMatchObject({ v: 1, seq: 5n, idx: 2 });
    expect(activityRowSchema.parse(row)).toEqual(row);
  });

  test("an event of a market the catalogue does not know is an internal error, not a guess", () => {
    const e: EngineEvent = { type: "fundingPayment", market: "DOGE-PERP", account: ME, amountQuote: 1n };
    expect(() => toActivity(e, ME, units, decimals)).toThrow(/DOGE-PERP/);
  });
});
