import { describe, expect, test } from "vitest";
import { Exchange } from "@/core/engine/exchange";
import type { MarketConfig } from "@/core/market/config";
import type { MarketSummary } from "./market";
import { confirmationReason, field, orderProblems, perpMaxSize, valueOf } from "./order-checks";

/** ETH-PERP as markets.list sends it (the seeded demo market: 20× max, 5 % initial). */
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

const base = {
  side: "buy" as const,
  price: null,
  trigger: null,
  takeProfit: null,
  stopLoss: null,
  execPrice: 3_000n * USDC,
  value: null,
};

describe("orderProblems: strict fields (issue 21)", () => {
  test.each([
    ["0,5", "Size: Use a point for decimals (0.5), and no thousands separators."],
    ["1e3", "Size: Enter a plain number such as 0.5 (digits and one point)."],
    ["0.0001", "Size must be a multiple of 0.001 WETH."],
    ["0", "Size: enter a size above zero."],
  ])("size %j → %s", (text, problem) => {
    const size = field(text, 18);
    expect(valueOf(size)).not.toBe(5n * WETH);
    expect(orderProblems(ETH_PERP, { ...base, size })).toContain(problem);
  });

  test("'0,5' in price, take-profit and stop-loss is refused too, never read as 5", () => {
    const p = orderProblems(ETH_PERP, {
      ...base,
      size: field("0.5", 18),
      price: field("3000,5", 6),
      takeProfit: field("3100,5", 6),
      stopLoss: field("2900,5", 6),
    });
    expect(p.filter((x) => x.includes("Use a point"))).toHaveLength(3);
  });

  test("a valid order has no problem", () => {
    expect(
      orderProblems(ETH_PERP, { ...base, size: field("0.5", 18), price: field("3000.5", 6), value: 1_500n * USDC }),
    ).toEqual([]);
  });

  test("a price off the tick, and a value below the minimum", () => {
    const p = orderProblems(ETH_PERP, {
      ...base,
      size: field("0.001", 18),
      price: field("3000.001", 6),
      value: 3n * USDC,
    });
    expect(p).toContain("Price must be a multiple of the tick 0.01.");
    expect(p.some((x) => x.startsWith("Order value below the minimum of 10.00 USDC"))).toBe(true);
  });
});

describe("confirmationReason: absurd prices and sizes ask twice", () => {
  test.each([
    [3_300n * USDC, null, null], // exactly 10 %: no
    [3_301n * USDC, null, "3,301.00 is 10% above the mark"],
    [1n * USDC, null, "is 99% below the mark"],
    [3_000n * USDC, 100_001n * USDC, "its value is 100,001.00 USDC"],
    [3_000n * USDC, 99_000n * USDC, null],
  ])("price %s value %s", (price, value, reason) => {
    const r = confirmationReason(ETH_PERP, { price, reference: 3_000n * USDC, value });
    if (reason === null) expect(r).toBeNull();
    else expect(r).toContain(reason);
  });
});

describe("perpMaxSize: the leverage slider at 100 % sizes what the engine accepts", () => {
  const config: MarketConfig = {
    symbol: "ETH-PERP",
    kind: "perp",
    base: { symbol: "WETH", decimals: 18 },
    quote: { symbol: "USDC", decimals: 6 },
    tickSizeQuote: 10n, // 0.01 USDC per WETH = 0.00001 per lot → 10 units per lot at 6 decimals
    lotSizeBase: 10n ** 15n,
    minNotionalQuote: 10n * USDC,
    makerFeePips: 100n,
    takerFeePips: 500n,
    maxLeverage: 20n,
    initialMarginBps: 500n,
    maintenanceMarginBps: 250n,
    liquidationFeePips: 5_000n,
    fundingIntervalMs: 3_600_000,
    fundingCapPips: 5_000n,
    markBandBps: 500n,
    triggerSource: "mark",
  };
  test.each([1, 5, 10, 20])("at %s× a buy 1 percent through the mark is accepted", (leverage) => {
    const ex = Exchange.create([config]);
    ex.apply({ type: "deposit", account: "alice", asset: "USDC", amount: 1_000n * USDC });
    ex.apply({ type: "markPrice", market: "ETH-PERP", indexPerLot: 3_000_000n }); // 3000 USDC per WETH
    const free = 1_000n * USDC;
    const price = 3_030n * USDC;
    const size = perpMaxSize(ETH_PERP, { side: "buy", freeCollateral: free, price, mark: 3_000n * USDC, leverage });
    expect(size).toBeGreaterThan(0n);
    if (leverage === 1) expect(size).toBeLessThanOrEqual((free * WETH) / price);
    const events = ex.apply({
      type: "place",
      account: "alice",
      market: "ETH-PERP",
      side: "buy",
      kind: "limit",
      sizeBase: size,
      pricePerLot: 3_030_000n,
    });
    expect(events.find((e) => e.type === "rejected")).toBeUndefined();
  });

  test.each([
    [3_015_000n, 2_970n],
    [2_985_000n, 2_970n],
    [3_015_000n, 3_030n],
    [2_985_000n, 3_030n],
  ])(
    "the 20× size is still accepted when the mark has moved to %s per lot (±0.5 %%) by the time a buy at %s arrives",
    (moved, limitWhole) => {
      const ex = Exchange.create([config]);
      ex.apply({ type: "deposit", account: "alice", asset: "USDC", amount: 20_000n * USDC });
      ex.apply({ type: "markPrice", market: "ETH-PERP", indexPerLot: 3_000_000n });
      // sized at a form mark of 3000, a limit 1 % below it
      const size = perpMaxSize(ETH_PERP, {
        side: "buy",
        freeCollateral: 20_000n * USDC,
        price: limitWhole * USDC,
        mark: 3_000n * USDC,
        leverage: 20,
      });
      ex.apply({ type: "markPrice", market: "ETH-PERP", indexPerLot: moved });
      const events = ex.apply({
        type: "place",
        account: "alice",
        market: "ETH-PERP",
        side: "buy",
        kind: "limit",
        sizeBase: size,
        pricePerLot: limitWhole * 1_000n,
      });
      expect(events.find((e) => e.type === "rejected")).toBeUndefined();
    },
  );
});
