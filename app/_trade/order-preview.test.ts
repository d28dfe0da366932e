import { describe, expect, test } from "vitest";
import {
  levelUnits,
  lotsOf,
  perLotDown,
  priceDecimals,
  sizeDecimals,
  slippageBound,
  type MarketSummary,
} from "./market";
import { pnlAt, previewOrder } from "./order-preview";

/** ETH-PERP as markets.list sends it (the seeded demo market). */
const ETH_PERP: MarketSummary = {
  v: 1,
  symbol: "ETH-PERP",
  kind: "PERP",
  status: "ACTIVE",
  base: { symbol: "WETH", decimals: 18 },
  quote: { symbol: "USDC", decimals: 6 },
  tickSize: { value: "0.01", symbol: "USDC" },
  lotSize: { value: "0.001", symbol: "WETH" },
  minNotional: { value: "10", symbol: "USDC" },
  maxLeverage: 20,
  initialMarginBps: 500,
  maintenanceMarginBps: 250,
  makerFeePips: 100,
  takerFeePips: 500,
  fundingIntervalSec: 3600,
  fundingCapPips: 5000,
  lastPrice: null,
  markPrice: { value: "3000", symbol: "USDC" },
  indexPrice: { value: "3000", symbol: "USDC" },
  change24h: null,
  volume24h: { value: "0", symbol: "WETH" },
};
const USDC = 1_000_000n;
const WETH = 10n ** 18n;

describe("market.ts: wire amounts to base units", () => {
  test("steps, levels and the engine's per-lot units", () => {
    expect(sizeDecimals(ETH_PERP)).toBe(3);
    expect(priceDecimals(ETH_PERP)).toBe(2);
    expect(levelUnits(ETH_PERP, ["3000.01", "0.5"])).toEqual([3_000_010_000n, WETH / 2n]);
    expect(lotsOf(ETH_PERP, WETH / 2n)).toBe(500n);
    expect(perLotDown(ETH_PERP, 3_000n * USDC)).toBe(3_000_000n); // 0.001 ETH at 3000 = 3 USDC
    expect(perLotDown(ETH_PERP, 3_000_000_999n)).toBe(3_000_000n); // off the grid: rounded down
  });
  test("a slippage bound is on the tick, away from the price", () => {
    expect(slippageBound(ETH_PERP, 3_000n * USDC, "buy", 100n)).toBe(3_030n * USDC);
    expect(slippageBound(ETH_PERP, 2_999_990_000n, "buy", 3n)).toBe(3_000_890_000n); // 3000.889997 up to the tick
    expect(slippageBound(ETH_PERP, 2_999_990_000n, "sell", 3n)).toBe(2_999_090_000n); // 2999.090003 down to the tick
  });
});

describe("previewOrder", () => {
  test("a taker long above the mark: the fee rounded up, initial margin at the mark, the loss to the mark", () => {
    const p = previewOrder(ETH_PERP, {
      side: "buy",
      sizeBase: WETH / 3n - ((WETH / 3n) % (WETH / 1000n)), // 0.333 ETH
      execPrice: 3_000_010_000n,
      boundPrice: 3_030n * USDC,
      maker: false,
      reduceOnly: false,
    });
    // 0.333 × 3000.01 = 999.00333 USDC; 0.05 % = 0.4995016… → 0.499502 (up)
    expect(p.value).toBe(999_003_330n);
    expect(p.feePips).toBe(500);
    expect(p.fee).toBe(499_502n);
    expect(p.margin).toEqual({
      initialMarginQuote: 49_950_000n, // 333 lots × 3 USDC × 5 %
      executionLossQuote: 9_990_000n, // 333 lots × 0.03 USDC
      feeQuote: 504_495n, // 0.05 % of 333 × 3.03 USDC, up
      requiredQuote: 60_444_495n,
    });
  });
  test("a post-only maker pays the maker rate; no mark, no margin figures", () => {
    const p = previewOrder(
      { ...ETH_PERP, markPrice: null },
      {
        side: "sell",
        sizeBase: WETH,
        execPrice: 3_000n * USDC,
        boundPrice: 3_000n * USDC,
        maker: true,
        reduceOnly: false,
      },
    );
    expect(p).toEqual({ value: 3_000n * USDC, feePips: 100, fee: 300_000n, margin: null });
  });
  test("a spot order has no margin", () => {
    const spot = { ...ETH_PERP, kind: "SPOT" as const };
    expect(
      previewOrder(spot, {
        side: "buy",
        sizeBase: WETH,
        execPrice: 3_000n * USDC,
        boundPrice: null,
        maker: false,
        reduceOnly: false,
      }).margin,
    ).toBeNull();
  });
});

describe("pnlAt", () => {
  test("lots × (exit − entry) per lot, signed by the side, before fees", () => {
    expect(pnlAt(ETH_PERP, WETH / 2n, 3_000n * USDC, 3_100n * USDC)).toBe(50n * USDC);
    expect(pnlAt(ETH_PERP, -WETH / 2n, 3_000n * USDC, 3_100n * USDC)).toBe(-50n * USDC);
    expect(pnlAt(ETH_PERP, WETH / 1000n, 3_000_010_000n, 2_999_990_000n)).toBe(-20n); // 0.001 ETH × −0.02 USDC
  });
});
