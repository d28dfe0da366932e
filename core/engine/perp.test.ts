import { describe, expect, test } from "vitest";
import type { EngineEvent, PlaceCommand } from "./events";
import { Exchange } from "./exchange";
import { BTC_PERP, ETH_PERP } from "./fixtures";
import { checkInvariants } from "./invariants";
import { FEE_ACCOUNT, INSURANCE_ACCOUNT } from "./state";

const M = "ETH-PERP";
const LOT = 10n ** 15n;
const USDC = (n: number) => BigInt(Math.round(n * 1e6));
/** USDC per ETH -> quote units per lot of 0.001 ETH. */
const px = (usdPerEth: number) => BigInt(Math.round(usdPerEth * 1000));

const ofType = <T extends EngineEvent["type"]>(events: EngineEvent[], type: T) =>
  events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
const ok = (ex: Exchange) => expect(checkInvariants(ex.snapshot())).toEqual([]);

function setup(deposits: Record<string, number> = { alice: 1000, bob: 1000 }) {
  const ex = Exchange.create([ETH_PERP, BTC_PERP]);
  for (const [who, usdc] of Object.entries(deposits))
    ex.apply({ type: "deposit", account: who, asset: "USDC", amount: USDC(usdc) });
  ex.apply({ type: "markPrice", market: M, indexPerLot: px(3000) });
  return ex;
}

const order = (
  account: string,
  side: "buy" | "sell",
  lots: bigint,
  pricePerLot: bigint,
  extra: Partial<PlaceCommand> = {},
): PlaceCommand => ({
  type: "place",
  account,
  market: M,
  side,
  kind: "limit",
  sizeBase: lots * LOT,
  pricePerLot,
  ...extra,
});

/** `long` buys `lots` from `short` at `price` (short rests, long takes). */
function trade(ex: Exchange, long: string, short: string, lots: bigint, price: bigint) {
  ex.apply(order(short, "sell", lots, price));
  return ex.apply(order(long, "buy", lots, price, { tif: "IOC" }));
}

describe("perpetual positions", () => {
  test("a fill opens a long and a short of the same size; quote and fees move; long = short", () => {
    const ex = setup();
    const events = trade(ex, "bob", "alice", 10n, px(3000));
    expect(ofType(events, "fill")[0]).toMatchObject({
      notionalQuote: USDC(30),
      makerFeeQuote: 6_000n,
      takerFeeQuote: 15_000n,
    });
    expect(ex.position("bob", M)).toEqual({ sizeBase: 10n * LOT, entryQuote: USDC(30), realizedPnlQuote: 0n });
    expect(ex.position("alice", M)).toEqual({ sizeBase: -10n * LOT, entryQuote: -USDC(30), realizedPnlQuote: 0n });
    expect(ex.balance("bob", "USDC").available).toBe(USDC(1000) - USDC(30) - 15_000n);
    expect(ex.balance("alice", "USDC").available).toBe(USDC(1000) + USDC(30) - 6_000n);
    expect(ex.balance(FEE_ACCOUNT, "USDC").available).toBe(21_000n);
    expect(ex.risk("bob", "USDC")).toMatchObject({
      equityQuote: USDC(1000) - 15_000n,
      unrealizedPnlQuote: 0n,
      initialMarginQuote: USDC(3),
      maintenanceMarginQuote: USDC(1.5),
    });
    ok(ex);
  });

  test("closing realizes PnL at the fill price; flipping opens the other side at that price", () => {
    const ex = setup({ alice: 1000, bob: 1000, carol: 1000 });
    trade(ex, "bob", "alice", 10n, px(3000));
    ex.apply({ type: "markPrice", market: M, indexPerLot: px(3100) });
    ex.apply(order("carol", "buy", 15n, px(3100)));
    ex.apply(order("bob", "sell", 15n, px(3100), { tif: "IOC" }));
    expect(ex.position("bob", M)).toEqual({
      sizeBase: -5n * LOT,
      entryQuote: -5n * px(3100),
      realizedPnlQuote: USDC(1),
    });
    expect(ex.position("carol", M).sizeBase).toBe(15n * LOT);
    ok(ex);
  });

  test("orders are checked against initial margin, including the loss of a price away from the mark", () => {
    const ex = setup({ carol: 10 });
    // 33 lots at 3 USDC: initial margin 9.9 + fee 0.0495 <= 10
    expect(ofType(ex.apply(order("carol", "buy", 33n, px(3000))), "orderAccepted")).toHaveLength(1);
    const r = ofType(ex.apply(order("carol", "buy", 1n, px(3000))), "rejected")[0];
    expect(r).toMatchObject({ code: "INSUFFICIENT_MARGIN" });
    expect(r!.details.equity).toBe(USDC(10));
    // a buy far above the mark would open already under water: rejected even when small
    const ex2 = setup({ carol: 10 });
    expect(ofType(ex2.apply(order("carol", "buy", 1n, px(13_000))), "rejected")[0]!.code).toBe("INSUFFICIENT_MARGIN");
    const ex3 = Exchange.create([ETH_PERP]);
    ex3.apply({ type: "deposit", account: "carol", asset: "USDC", amount: USDC(10) });
    expect(ofType(ex3.apply(order("carol", "buy", 1n, px(3000))), "rejected")[0]!.code).toBe("MARK_PRICE_UNAVAILABLE");
  });

  test("reduce-only: clamped to the position, refused when it would increase, trimmed when the position shrinks", () => {
    const ex = setup({ alice: 1000, bob: 1000, carol: 1000 });
    trade(ex, "bob", "alice", 10n, px(3000));
    expect(ofType(ex.apply(order("bob", "buy", 1n, px(3000), { reduceOnly: true })), "rejected")[0]!.code).toBe(
      "REDUCE_ONLY_WOULD_INCREASE",
    );
    const ro = ex.apply(order("bob", "sell", 15n, px(3100), { reduceOnly: true }));
    expect(ofType(ro, "orderAccepted")[0]!.sizeBase).toBe(10n * LOT);
    ex.apply(order("carol", "buy", 6n, px(3000)));
    const sold = ex.apply(order("bob", "sell", 6n, px(3000), { tif: "IOC" }));
    expect(ofType(sold, "orderAmended")[0]).toMatchObject({ keptPriority: true, sizeBase: 4n * LOT });
    ok(ex);
  });

  test("withdrawals never take unrealized profit nor go below initial margin", () => {
    const ex = setup();
    trade(ex, "bob", "alice", 10n, px(3000));
    ex.apply({ type: "markPrice", market: M, indexPerLot: px(3300) });
    const risk = ex.risk("bob", "USDC");
    expect(risk.unrealizedPnlQuote).toBe(USDC(3));
    // equity without the 3 USDC gain, minus 10% of 33 USDC
    const free = USDC(1000) - 15_000n - USDC(3.3);
    expect(risk.withdrawableQuote).toBe(free);
    const r = ofType(ex.apply({ type: "withdraw", account: "bob", asset: "USDC", amount: free + 1n }), "rejected")[0];
    expect(r).toMatchObject({ code: "WITHDRAW_EXCEEDS_FREE_COLLATERAL", details: { amount: free + 1n, free } });
    expect(
      ofType(ex.apply({ type: "withdraw", account: "bob", asset: "USDC", amount: free }), "balance")[0]!.reason,
    ).toBe("withdraw");
    ok(ex);
  });

  test("an account with negative equity cannot withdraw", () => {
    const ex = setup({ alice: 5, bob: 1000 });
    trade(ex, "bob", "alice", 10n, px(3000));
    // force a state the engine itself never leaves unliquidated: mark far above alice's short
    const snap = ex.snapshot();
    snap.markets[0]!.markPerLot = px(4000);
    const broken = Exchange.restore(snap);
    expect(broken.risk("alice", "USDC").equityQuote < 0n).toBe(true);
    const r = ofType(broken.apply({ type: "withdraw", account: "alice", asset: "USDC", amount: 1n }), "rejected")[0];
    expect(r).toMatchObject({ code: "NEGATIVE_EQUITY" });
  });
});

describe("mark price and funding", () => {
  test("a spike on a thin book moves the mark only within the band around the index", () => {
    const ex = setup({ alice: 1000, bob: 1000 });
    ex.apply(order("alice", "buy", 1n, px(3140)));
    ex.apply(order("bob", "sell", 1n, px(3500)));
    const e = ofType(ex.apply({ type: "markPrice", market: M, indexPerLot: px(3000) }), "markPrice")[0];
    expect(e!.markPerLot).toBe(px(3140)); // median of index, bid, ask
    ex.apply(order("alice", "buy", 1n, px(3400)));
    const spiked = ofType(ex.apply({ type: "markPrice", market: M, indexPerLot: px(3000) }), "markPrice")[0];
    expect(spiked!.markPerLot).toBe(px(3150)); // clamped at index + 5%
  });

  test("funding is capped, longs pay shorts when the mark is above the index, dust goes to insurance", () => {
    const ex = setup({ alice: 1000, bob: 1000, carol: 1000 });
    trade(ex, "bob", "alice", 7n, px(3000));
    ex.apply(order("carol", "buy", 1n, px(3030)));
    ex.apply(order("carol", "sell", 1n, px(3040)));
    ex.apply({ type: "markPrice", market: M, indexPerLot: px(3000) });
    const events = ex.apply({ type: "fundingTick", market: M, timeMs: 1_000 });
    // premium 1% capped at 750 pips; 7 lots * 3.03 USDC = 21.21 USDC; 0.075% = 15907.5 units
    expect(ofType(events, "funding")[0]).toMatchObject({ ratePips: 750n, markPerLot: px(3030) });
    expect(ofType(events, "fundingPayment").map((p) => [p.account, p.amountQuote])).toEqual([
      ["alice", 15_907n],
      ["bob", -15_908n],
    ]);
    expect(ofType(events, "insurance")[0]).toMatchObject({ reason: "fundingDust", deltaQuote: 1n });
    const early = ofType(ex.apply({ type: "fundingTick", market: M, timeMs: 2_000 }), "rejected")[0];
    expect(early).toMatchObject({
      code: "FUNDING_NOT_DUE",
      details: { timeMs: 2_000, dueMs: 1_000 + 8 * 3600 * 1000 },
    });
    ok(ex);
  });
});

describe("liquidation waterfall", () => {
  test("below maintenance: orders cancelled, position closed through the book, liquidation fee to the insurance fund", () => {
    const ex = setup({ alice: 1000, carol: 5, dave: 1000 });
    trade(ex, "carol", "dave", 10n, px(3000));
    ex.apply(order("carol", "sell", 1n, px(3500))); // a resting order that must be cancelled
    ex.apply(order("alice", "buy", 20n, px(2550)));
    expect(
      ofType(ex.apply({ type: "markPrice", market: M, indexPerLot: px(2650) }), "liquidationStarted"),
    ).toHaveLength(0);
    const events = ex.apply({ type: "markPrice", market: M, indexPerLot: px(2600) });
    expect(ofType(events, "liquidationStarted")[0]).toMatchObject({
      account: "carol",
      equityQuote: USDC(0.985),
      maintenanceQuote: USDC(1.3),
    });
    expect(ofType(events, "orderDone").find((o) => o.account === "carol" && o.reason === "liquidation")).toBeDefined();
    const fill = ofType(events, "fill")[0]!;
    // sold at the 2550 bid: balance -25.015 + 25.5 = 0.485; fee 0.5% of 25.5 = 0.1275
    expect(fill).toMatchObject({
      liquidation: true,
      pricePerLot: px(2550),
      sizeBase: 10n * LOT,
      takerFeeQuote: USDC(0.1275),
      maker: "alice",
    });
    expect(ofType(events, "insurance")[0]).toMatchObject({ reason: "liquidationFee", deltaQuote: USDC(0.1275) });
    expect(ex.position("carol", M).sizeBase).toBe(0n);
    expect(ex.balance("carol", "USDC").available).toBe(USDC(0.3575));
    expect(ex.balance(INSURANCE_ACCOUNT, "USDC").available).toBe(USDC(0.1275));
    expect(ofType(events, "liquidationFinished")).toHaveLength(1);
    ok(ex);
  });

  test("a bankrupt account's loss drains the insurance fund only to zero, then ADL takes the rest at the bankruptcy price", () => {
    const ex = setup({ carol: 5, dave: 1000 });
    ex.apply({ type: "deposit", account: INSURANCE_ACCOUNT, asset: "USDC", amount: USDC(1) });
    trade(ex, "carol", "dave", 10n, px(3000));
    const events = ex.apply({ type: "markPrice", market: M, indexPerLot: px(2400) });
    // carol: balance -25.015; at 2400 she is 1.015 under water; the fund pays 1, dave takes 0.015 by buying at 2401.5
    expect(ofType(events, "adl")[0]).toMatchObject({
      account: "carol",
      counterparty: "dave",
      sizeBase: 10n * LOT,
      pricePerLot: 2_401_500n,
    });
    expect(ofType(events, "insurance").find((e) => e.reason === "bankruptcyCover")).toMatchObject({
      deltaQuote: -USDC(1),
      balanceQuote: 0n,
    });
    expect(ex.balance(INSURANCE_ACCOUNT, "USDC").available).toBe(0n);
    expect(ex.balance("carol", "USDC").available).toBe(0n);
    expect(ex.position("dave", M).sizeBase).toBe(0n);
    expect(ofType(events, "backstop")).toHaveLength(0);
    ok(ex);
  });

  test("ADL takes the most profitable, most leveraged opposing position first", () => {
    const ex = setup({ carol: 5, dave: 3, erin: 1000 });
    ex.apply(order("dave", "sell", 5n, px(3000)));
    ex.apply(order("erin", "sell", 5n, px(3000)));
    ex.apply(order("carol", "buy", 10n, px(3000), { tif: "IOC" }));
    const events = ex.apply({ type: "markPrice", market: M, indexPerLot: px(2400) });
    expect(ofType(events, "adl").map((e) => e.counterparty)).toEqual(["dave", "erin"]);
    expect(ex.position("carol", M).sizeBase).toBe(0n);
    ok(ex);
  });
});

describe("triggers", () => {
  test("a position's stop-loss fires once on the mark, and cancels its take-profit", () => {
    const ex = setup({ alice: 1000, bob: 1000 });
    trade(ex, "bob", "alice", 10n, px(3000));
    const set = ex.apply({
      type: "setTpSl",
      account: "bob",
      market: M,
      takeProfitPerLot: px(3300),
      stopLossPerLot: px(2800),
    });
    expect(ofType(set, "triggerAccepted").map((t) => t.kind)).toEqual(["takeProfit", "stopLoss"]);
    ex.apply(order("alice", "buy", 10n, px(2790)));
    const events = ex.apply({ type: "markPrice", market: M, indexPerLot: px(2790) });
    expect(ofType(events, "triggered")).toHaveLength(1);
    expect(ofType(events, "triggered")[0]).toMatchObject({ kind: "stopLoss", pricePerLot: px(2790) });
    expect(ofType(events, "triggerCancelled")[0]).toMatchObject({ reason: "oco" });
    expect(ofType(events, "fill")[0]).toMatchObject({ taker: "bob", pricePerLot: px(2790) });
    expect(ex.position("bob", M).sizeBase).toBe(0n);
    expect(ofType(ex.apply({ type: "markPrice", market: M, indexPerLot: px(2700) }), "triggered")).toHaveLength(0);
    expect(ofType(ex.apply({ type: "markPrice", market: M, indexPerLot: px(3400) }), "triggered")).toHaveLength(0);
    ok(ex);
  });

  test("a stop-market order fires exactly once when the price crosses it", () => {
    const ex = setup({ alice: 1000, bob: 1000 });
    ex.apply(order("alice", "sell", 20n, px(3200)));
    const placed = ex.apply({
      type: "place",
      account: "bob",
      market: M,
      side: "buy",
      kind: "stopMarket",
      sizeBase: 2n * LOT,
      triggerPerLot: px(3100),
      worstPricePerLot: px(3300),
    });
    expect(ofType(placed, "triggerAccepted")).toHaveLength(1);
    const results = [3050, 3120, 3010, 3140].map((p) => ex.apply({ type: "markPrice", market: M, indexPerLot: px(p) }));
    expect(results.map((r) => ofType(r, "triggered").length)).toEqual([0, 1, 0, 0]);
    expect(ex.position("bob", M).sizeBase).toBe(2n * LOT);
    ok(ex);
  });

  test("take-profit attached to an order is set when the order fills; last-price markets trigger on trades", () => {
    const ex = setup({ alice: 1000, bob: 1000, carol: 1000 });
    ex.apply({ type: "markPrice", market: "BTC-PERP", indexPerLot: 6_000_000n });
    ex.apply({
      type: "place",
      account: "alice",
      market: "BTC-PERP",
      side: "sell",
      kind: "limit",
      sizeBase: 10_000n,
      pricePerLot: 6_000_000n,
    });
    const bracket = ex.apply({
      type: "place",
      account: "bob",
      market: "BTC-PERP",
      side: "buy",
      kind: "limit",
      sizeBase: 10_000n,
      pricePerLot: 6_000_000n,
      takeProfitPerLot: 6_100_000n,
    });
    expect(ofType(bracket, "triggerAccepted")[0]).toMatchObject({ kind: "takeProfit", triggerPerLot: 6_100_000n });
    // a trade at 6.1 between others fires bob's take-profit (trigger source: last)
    ex.apply({
      type: "place",
      account: "carol",
      market: "BTC-PERP",
      side: "buy",
      kind: "limit",
      sizeBase: 20_000n,
      pricePerLot: 6_100_000n,
    });
    const events = ex.apply({
      type: "place",
      account: "alice",
      market: "BTC-PERP",
      side: "sell",
      kind: "limit",
      sizeBase: 10_000n,
      pricePerLot: 6_100_000n,
    });
    expect(ofType(events, "triggered")[0]).toMatchObject({ account: "bob", kind: "takeProfit" });
    expect(ex.position("bob", "BTC-PERP").sizeBase).toBe(0n);
    ok(ex);
  });
});
