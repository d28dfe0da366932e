import { describe, expect, test } from "vitest";
import { buyLockQuote } from "../fees/fees";
import type { EngineEvent, PlaceCommand } from "./events";
import { Exchange } from "./exchange";
import { checkInvariants } from "./invariants";
import { WBTC_USDC, WBTC_WETH, WETH_USDC } from "./fixtures";
import { FEE_ACCOUNT } from "./state";

const M = "WETH-USDC";
const LOT = 10n ** 15n; // 0.001 WETH
/** USDC per WETH -> quote units per lot (0.001 WETH, 6 decimals). */
const px = (usdPerEth: number) => BigInt(Math.round(usdPerEth * 1000));
const lots = (n: bigint) => n * LOT;

function setup() {
  const ex = Exchange.create([WETH_USDC, WBTC_USDC, WBTC_WETH]);
  for (const who of ["alice", "bob", "carol"]) {
    ex.apply({ type: "deposit", account: who, asset: "USDC", amount: 1_000_000_000_000n });
    ex.apply({ type: "deposit", account: who, asset: "WETH", amount: 1000n * 10n ** 18n });
    ex.apply({ type: "deposit", account: who, asset: "WBTC", amount: 100n * 10n ** 8n });
  }
  return ex;
}

const limit = (
  account: string,
  side: "buy" | "sell",
  sizeLots: bigint,
  pricePerLot: bigint,
  extra: Partial<PlaceCommand> = {},
): PlaceCommand => ({
  type: "place",
  account,
  market: M,
  side,
  kind: "limit",
  sizeBase: lots(sizeLots),
  pricePerLot,
  ...extra,
});

const ofType = <T extends EngineEvent["type"]>(events: EngineEvent[], type: T) =>
  events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
const orderIdOf = (events: EngineEvent[]) => ofType(events, "orderAccepted")[0]!.orderId;

describe("spot matching", () => {
  test("a crossing sell fills the resting buy at the maker's price; base and quote move; fees to the fee account", () => {
    const ex = setup();
    const before = { alice: ex.balance("alice", "USDC"), bob: ex.balance("bob", "USDC") };
    const buy = ex.apply(limit("alice", "buy", 10n, px(3000)));
    expect(ofType(buy, "orderAccepted")).toHaveLength(1);
    const lock = buyLockQuote(10n, px(3000), 500n);
    expect(ex.balance("alice", "USDC").locked).toBe(lock);

    const sell = ex.apply(limit("bob", "sell", 4n, px(2990)));
    const [fill] = ofType(sell, "fill");
    expect(fill).toMatchObject({
      pricePerLot: px(3000),
      sizeBase: lots(4n),
      notionalQuote: 12_000_000n,
      takerSide: "sell",
      maker: "alice",
      taker: "bob",
    });
    // maker 100 pips of 12 USDC = 1200 units, taker 500 pips = 6000 units
    expect(fill!.makerFeeQuote).toBe(1_200n);
    expect(fill!.takerFeeQuote).toBe(6_000n);
    expect(ex.balance("alice", "WETH").available).toBe(1000n * 10n ** 18n + lots(4n));
    expect(ex.balance("bob", "USDC").available).toBe(before.bob.available + 12_000_000n - 6_000n);
    expect(ex.balance(FEE_ACCOUNT, "USDC").available).toBe(7_200n);
    // alice's lock shrank by exactly what she paid
    expect(ex.balance("alice", "USDC").locked).toBe(lock - 12_000_000n - 1_200n);
    expect(ofType(sell, "orderDone")[0]).toMatchObject({ account: "bob", reason: "filled" });
    expect(checkInvariants(ex.snapshot())).toEqual([]);
    // cancel releases the rest of the lock
    ex.apply({ type: "cancel", account: "alice", orderId: orderIdOf(buy) });
    expect(ex.balance("alice", "USDC")).toEqual({
      available: before.alice.available - 12_000_000n - 1_200n,
      locked: 0n,
    });
  });

  test("price-time priority: better price first, then the older order", () => {
    const ex = setup();
    const a = orderIdOf(ex.apply(limit("alice", "sell", 1n, px(3001))));
    const b = orderIdOf(ex.apply(limit("bob", "sell", 1n, px(3000))));
    const c = orderIdOf(ex.apply(limit("alice", "sell", 1n, px(3000))));
    const fills = ofType(ex.apply(limit("carol", "buy", 3n, px(3001))), "fill");
    expect(fills.map((f) => f.makerOrderId)).toEqual([b, c, a]);
  });

  test("IOC fills what it can and expires the rest; FOK is all or nothing", () => {
    const ex = setup();
    ex.apply(limit("alice", "sell", 2n, px(3000)));
    const ioc = ex.apply(limit("bob", "buy", 5n, px(3000), { tif: "IOC" }));
    expect(ofType(ioc, "fill")).toHaveLength(1);
    expect(ofType(ioc, "orderDone").find((e) => e.account === "bob")).toMatchObject({
      reason: "expired",
      remainingBase: lots(3n),
      filledBase: lots(2n),
    });
    expect(ex.balance("bob", "USDC").locked).toBe(0n);
    ex.apply(limit("alice", "sell", 2n, px(3000)));
    const fok = ex.apply(limit("bob", "buy", 3n, px(3000), { tif: "FOK" }));
    expect(ofType(fok, "rejected")[0]).toMatchObject({
      code: "FOK_NOT_FILLABLE",
      details: { size: lots(3n), fillable: lots(2n) },
    });
    expect(ex.restingCount(M)).toBe(1);
  });

  test("a market order stops at its slippage bound", () => {
    const ex = setup();
    ex.apply(limit("alice", "sell", 1n, px(3000)));
    ex.apply(limit("alice", "sell", 1n, px(3010)));
    ex.apply(limit("alice", "sell", 1n, px(3100)));
    const events = ex.apply({
      type: "place",
      account: "bob",
      market: M,
      side: "buy",
      kind: "market",
      sizeBase: lots(3n),
      worstPricePerLot: px(3050),
    });
    expect(ofType(events, "fill").map((f) => f.pricePerLot)).toEqual([px(3000), px(3010)]);
    expect(ofType(events, "orderDone").find((e) => e.account === "bob")).toMatchObject({
      reason: "expired",
      remainingBase: lots(1n),
    });
    const noBound = ex.apply({
      type: "place",
      account: "bob",
      market: M,
      side: "buy",
      kind: "market",
      sizeBase: lots(1n),
    });
    expect(ofType(noBound, "rejected")[0]).toMatchObject({
      code: "PRICE_NOT_POSITIVE",
      details: { field: "worstPricePerLot" },
    });
  });

  test("post-only rests or is rejected with the prices that crossed", () => {
    const ex = setup();
    ex.apply(limit("alice", "sell", 1n, px(3000)));
    const r = ex.apply(limit("bob", "buy", 1n, px(3000), { postOnly: true }));
    expect(ofType(r, "rejected")[0]).toMatchObject({
      code: "POST_ONLY_WOULD_TAKE",
      details: { price: px(3000), bestOpposite: px(3000) },
    });
    expect(ofType(ex.apply(limit("bob", "buy", 1n, px(2999.99), { postOnly: true })), "orderAccepted")).toHaveLength(1);
  });

  test("self-trade prevention cancels the resting order and matching goes on", () => {
    const ex = setup();
    const own = orderIdOf(ex.apply(limit("alice", "sell", 1n, px(3000))));
    const other = orderIdOf(ex.apply(limit("bob", "sell", 1n, px(3000))));
    const events = ex.apply(limit("alice", "buy", 2n, px(3000)));
    expect(ofType(events, "orderDone")[0]).toMatchObject({ orderId: own, reason: "selfTrade" });
    expect(ofType(events, "fill").map((f) => f.makerOrderId)).toEqual([other]);
    expect(ex.openOrders("alice")).toHaveLength(1); // the rest of the buy rests
    expect(ex.balance("alice", "WETH").locked).toBe(0n);
    expect(checkInvariants(ex.snapshot())).toEqual([]);
  });

  test("amend: a size decrease keeps priority, a price change or size increase loses it", () => {
    const ex = setup();
    const first = orderIdOf(ex.apply(limit("alice", "buy", 5n, px(3000))));
    const second = orderIdOf(ex.apply(limit("bob", "buy", 5n, px(3000))));
    const down = ex.apply({ type: "amend", account: "alice", orderId: first, sizeBase: lots(3n) });
    expect(ofType(down, "orderAmended")[0]).toMatchObject({ keptPriority: true, sizeBase: lots(3n) });
    expect(ofType(ex.apply(limit("carol", "sell", 1n, px(3000))), "fill")[0]!.makerOrderId).toBe(first);
    const up = ex.apply({ type: "amend", account: "alice", orderId: first, sizeBase: lots(4n) });
    expect(ofType(up, "orderAmended")[0]).toMatchObject({ keptPriority: false });
    expect(ofType(ex.apply(limit("carol", "sell", 1n, px(3000))), "fill")[0]!.makerOrderId).toBe(second);
    // moving across the spread trades as a taker
    ex.apply(limit("carol", "sell", 1n, px(3005)));
    const move = ex.apply({ type: "amend", account: "bob", orderId: second, pricePerLot: px(3005) });
    expect(ofType(move, "fill")[0]).toMatchObject({ takerOrderId: second, pricePerLot: px(3005) });
    expect(
      ofType(ex.apply({ type: "amend", account: "bob", orderId: second, pricePerLot: px(3005) }), "rejected")[0]!.code,
    ).toBe("AMEND_NO_CHANGE");
    expect(
      ofType(ex.apply({ type: "amend", account: "carol", orderId: second, sizeBase: lots(1n) }), "rejected")[0]!.code,
    ).toBe("ORDER_NOT_FOUND");
    expect(checkInvariants(ex.snapshot())).toEqual([]);
  });

  test("cancel: unknown id and another account's order are refused", () => {
    const ex = setup();
    const id = orderIdOf(ex.apply(limit("alice", "buy", 1n, px(3000))));
    expect(ofType(ex.apply({ type: "cancel", account: "bob", orderId: id }), "rejected")[0]!.code).toBe(
      "ORDER_NOT_FOUND",
    );
    expect(ofType(ex.apply({ type: "cancel", account: "alice", orderId: 999 }), "rejected")[0]).toMatchObject({
      code: "ORDER_NOT_FOUND",
      details: { orderId: 999 },
    });
    expect(ofType(ex.apply({ type: "cancel", account: "alice", orderId: id }), "orderDone")[0]!.reason).toBe(
      "cancelled",
    );
  });
});

describe("spot rejections name the values that failed", () => {
  test.each([
    ["price not on tick", limit("alice", "buy", 1n, 3_000_005n), "PRICE_NOT_ON_TICK", { price: 3_000_005n, tick: 10n }],
    [
      "size not on lot",
      { ...limit("alice", "buy", 1n, px(3000)), sizeBase: LOT + 1n },
      "SIZE_NOT_ON_LOT",
      { size: LOT + 1n, lot: LOT },
    ],
    ["zero size", { ...limit("alice", "buy", 1n, px(3000)), sizeBase: 0n }, "SIZE_NOT_POSITIVE", { size: 0n }],
    [
      "below minimum notional (dust)",
      limit("alice", "buy", 1n, px(100)),
      "NOTIONAL_BELOW_MINIMUM",
      { notional: 100_000n, minimum: 1_000_000n },
    ],
    [
      "unknown market",
      { ...limit("alice", "buy", 1n, px(3000)), market: "DOGE-USDC" },
      "MARKET_NOT_FOUND",
      { market: "DOGE-USDC" },
    ],
    ["reduce-only on spot", limit("alice", "buy", 1n, px(3000), { reduceOnly: true }), "PERP_ONLY", { market: M }],
    [
      "post-only IOC",
      limit("alice", "buy", 1n, px(3000), { postOnly: true, tif: "IOC" }),
      "ORDER_INVALID",
      { tif: "IOC" },
    ],
    ["reserved account", limit("@fees", "buy", 1n, px(3000)), "ACCOUNT_RESERVED", { account: "@fees" }],
    ["more than the balance", limit("dave", "buy", 1n, px(3000)), "INSUFFICIENT_BALANCE", { available: 0n }],
  ])("%s", (_name, cmd, code, details) => {
    const ex = setup();
    ex.apply({ type: "deposit", account: "dave", asset: "WETH", amount: 1n });
    const [r] = ofType(ex.apply(cmd as PlaceCommand), "rejected");
    expect(r).toMatchObject({ code, details });
    expect(checkInvariants(ex.snapshot())).toEqual([]);
  });
});

describe("fees through the engine on 6-, 8- and 18-decimal assets", () => {
  test.each([
    // [market, lots, price per lot, expected maker fee, expected taker fee]
    ["WETH-USDC", 1n, 1_000_000n, 100n, 500n],
    ["WETH-USDC", 333n, 3_000_010n, 99_901n, 499_502n],
    ["WBTC-USDC", 1n, 6_000_000n, -300n, 2_400n],
    ["WBTC-USDC", 7n, 6_000_010n, -2_100n, 16_801n],
    ["WBTC-WETH", 1n, 2n * 10n ** 15n, 2n * 10n ** 11n, 6n * 10n ** 11n],
    ["WBTC-WETH", 3n, 10n ** 14n + 10n ** 8n, 30_000_030_000n, 90_000_090_000n],
  ])("%s: %s lots at %s", (market, n, price, makerFee, takerFee) => {
    const ex = setup();
    const size = n * (market === "WETH-USDC" ? LOT : 10_000n);
    ex.apply({
      type: "place",
      account: "alice",
      market,
      side: "sell",
      kind: "limit",
      sizeBase: size,
      pricePerLot: price,
    });
    const events = ex.apply({
      type: "place",
      account: "bob",
      market,
      side: "buy",
      kind: "limit",
      sizeBase: size,
      pricePerLot: price,
    });
    const [fill] = ofType(events, "fill");
    expect(fill).toMatchObject({ makerFeeQuote: makerFee, takerFeeQuote: takerFee });
    expect(fill!.takerFeeQuote > 0n).toBe(true);
    expect(checkInvariants(ex.snapshot())).toEqual([]);
  });

  test("a dust order split into one-lot fills pays a non-zero fee on every fill", () => {
    const ex = Exchange.create([{ ...WETH_USDC, minNotionalQuote: 0n }]);
    for (const who of ["alice", "bob"]) {
      ex.apply({ type: "deposit", account: who, asset: "USDC", amount: 10n ** 12n });
      ex.apply({ type: "deposit", account: who, asset: "WETH", amount: 10n ** 21n });
    }
    for (let i = 0; i < 20; i++) ex.apply(limit("alice", "sell", 1n, 10n));
    const fills = ofType(ex.apply(limit("bob", "buy", 20n, 10n)), "fill");
    expect(fills).toHaveLength(20);
    for (const f of fills) {
      expect(f.notionalQuote).toBe(10n);
      expect(f.takerFeeQuote).toBe(1n);
      expect(f.makerFeeQuote).toBe(1n);
    }
    expect(ex.balance("bob", "USDC").locked).toBe(0n);
    expect(checkInvariants(ex.snapshot())).toEqual([]);
  });
});
