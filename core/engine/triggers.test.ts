/**
 * Trigger orders (SECURITY attack 22) and order ids (issue 20, item 10): a stop is checked like
 * the order it becomes and capped per account; firing N stops costs O(N log N); the sorted book
 * fires the oldest crossed trigger first, as the list it replaced did; another account's order
 * is answered as a missing one.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { EngineEvent, PlaceCommand } from "./events";
import { Exchange } from "./exchange";
import { ETH_PERP, WETH_USDC } from "./fixtures";
import { checkInvariants } from "./invariants";

const M = "ETH-PERP";
const LOT = 10n ** 15n;
const USDC = (n: number) => BigInt(Math.round(n * 1e6));
/** USDC per ETH -> quote units per lot of 0.001 ETH. */
const px = (usdPerEth: number) => BigInt(Math.round(usdPerEth * 1000));

const ofType = <T extends EngineEvent["type"]>(events: EngineEvent[], type: T) =>
  events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);

function setup(deposits: Record<string, number>) {
  const ex = Exchange.create([ETH_PERP, WETH_USDC]);
  for (const [who, usdc] of Object.entries(deposits))
    ex.apply({ type: "deposit", account: who, asset: "USDC", amount: USDC(usdc) });
  ex.apply({ type: "markPrice", market: M, indexPerLot: px(3000) });
  return ex;
}

const stop = (
  account: string,
  side: "buy" | "sell",
  lots: bigint,
  triggerPerLot: bigint,
  extra: Partial<PlaceCommand> = {},
): PlaceCommand => ({
  type: "place",
  account,
  market: M,
  side,
  kind: "stopMarket",
  sizeBase: lots * LOT,
  triggerPerLot,
  worstPricePerLot: side === "buy" ? px(4000) : px(2000),
  ...extra,
});

const limit = (account: string, side: "buy" | "sell", lots: bigint, pricePerLot: bigint): PlaceCommand => ({
  type: "place",
  account,
  market: M,
  side,
  kind: "limit",
  sizeBase: lots * LOT,
  pricePerLot,
});

describe("stop orders are checked like the orders they become", () => {
  test("40 stops of ~300k USDC each from an account holding 370 USDC are refused INSUFFICIENT_MARGIN", () => {
    const ex = setup({ mallory: 370 });
    // 100 ETH at 3000 = 300,000 USDC of notional: 30,000 USDC of initial margin at 10x
    const results = Array.from({ length: 40 }, () => ex.apply(stop("mallory", "buy", 100_000n, px(3100))));
    expect(results.flatMap((r) => ofType(r, "triggerAccepted"))).toHaveLength(0);
    expect(results.map((r) => ofType(r, "rejected")[0]?.code)).toEqual(Array(40).fill("INSUFFICIENT_MARGIN"));
    expect(ex.snapshot().markets.find((m) => m.params.symbol === M)!.triggers).toHaveLength(0);
  });

  test("the account's pending stops count: stops that fit one by one but not together are refused", () => {
    const ex = setup({ alice: 1300 });
    // 1 ETH bought at up to 3100 against a mark of 3000: 300 USDC of initial margin, 100 of price
    // loss and the fee each — three fit in 1300 USDC, the fourth does not
    const codes = [1, 2, 3, 4].map((i) => {
      const r = ex.apply(stop("alice", "buy", 1000n, px(3000 + i * 10), { worstPricePerLot: px(3100) }));
      return ofType(r, "rejected")[0]?.code ?? "accepted";
    });
    expect(codes).toEqual(["accepted", "accepted", "accepted", "INSUFFICIENT_MARGIN"]);
  });

  test("a spot stop needs the funds its order would lock, and a stop below the minimum notional is refused", () => {
    const ex = setup({ bob: 100 });
    const spot = (lots: bigint, worst: bigint): PlaceCommand => ({
      type: "place",
      account: "bob",
      market: "WETH-USDC",
      side: "buy",
      kind: "stopMarket",
      sizeBase: lots * LOT,
      triggerPerLot: 3_100_000n,
      worstPricePerLot: worst,
    });
    // 1 WETH at up to 3200 USDC from 100 USDC
    expect(ofType(ex.apply(spot(1000n, 3_200_000n)), "rejected")[0]?.code).toBe("INSUFFICIENT_BALANCE");
    // 0.001 WETH at 0.5 USDC: below the 1 USDC minimum
    expect(ofType(ex.apply(spot(1n, 500_000n)), "rejected")[0]?.code).toBe("NOTIONAL_BELOW_MINIMUM");
    expect(ofType(ex.apply(spot(10n, 3_200_000n)), "triggerAccepted")).toHaveLength(1);
  });

  test("an account may have at most 50 stop orders pending; a cancelled one frees its place", () => {
    const ex = setup({ alice: 1_000_000 });
    const ids: number[] = [];
    for (let i = 0; i < 50; i++) {
      const r = ex.apply(stop("alice", "sell", 1n, px(2900 - i)));
      expect(ofType(r, "rejected")).toEqual([]);
      ids.push(ofType(r, "triggerAccepted")[0]!.orderId);
    }
    const refused = ofType(ex.apply(stop("alice", "sell", 1n, px(2000))), "rejected")[0];
    expect(refused).toMatchObject({ code: "TOO_MANY_TRIGGERS", details: { pending: 50, max: 50 } });
    ex.apply({ type: "cancel", account: "alice", orderId: ids[0]! });
    expect(ofType(ex.apply(stop("alice", "sell", 1n, px(2000))), "triggerAccepted")).toHaveLength(1);
  });
});

describe("firing triggers", () => {
  test("the oldest crossed trigger fires first, whatever its price; uncrossed ones stay", () => {
    const ex = setup({ a: 1000, b: 1000, c: 1000, d: 1000, mm: 100_000 });
    ex.apply(limit("mm", "buy", 100n, px(2500)));
    const id = (r: EngineEvent[]) => ofType(r, "triggerAccepted")[0]!.orderId;
    const first = id(ex.apply(stop("a", "sell", 1n, px(2800))));
    const second = id(ex.apply(stop("b", "sell", 1n, px(2950))));
    const third = id(ex.apply(stop("c", "sell", 1n, px(2700))));
    const uncrossed = id(ex.apply(stop("d", "sell", 1n, px(2600))));
    const fired = ofType(ex.apply({ type: "markPrice", market: M, indexPerLot: px(2650) }), "triggered");
    expect(fired.map((t) => t.orderId)).toEqual([first, second, third]);
    const left = ex.snapshot().markets.find((m) => m.params.symbol === M)!.triggers;
    expect(left.map((t) => t.id)).toEqual([uncrossed]);
    expect(checkInvariants(ex.snapshot())).toEqual([]);
  });

  test("a take-profit follows its position through a flip: a long's TP above becomes a short's TP below", () => {
    const ex = setup({ alice: 10_000, bob: 10_000 });
    ex.apply(limit("alice", "sell", 2n, px(3000)));
    ex.apply(limit("bob", "buy", 2n, px(3000)));
    const set = ex.apply({
      type: "setTpSl",
      account: "bob",
      market: M,
      takeProfitPerLot: px(3300),
      stopLossPerLot: null,
    });
    const tp = ofType(set, "triggerAccepted")[0]!.orderId;
    // bob sells 4: from long 2 to short 2 in one fill; the TP stays and now fires at or below 3300
    ex.apply(limit("alice", "buy", 4n, px(3000)));
    ex.apply(limit("bob", "sell", 4n, px(3000)));
    expect(ex.position("bob", M).sizeBase).toBe(-2n * LOT);
    ex.apply(limit("alice", "sell", 2n, px(3010)));
    const fired = ofType(ex.apply({ type: "markPrice", market: M, indexPerLot: px(3005) }), "triggered");
    expect(fired.map((t) => t.orderId)).toEqual([tp]);
    expect(ex.position("bob", M).sizeBase).toBe(0n);
    expect(checkInvariants(ex.snapshot())).toEqual([]);
  });

  test("a restored snapshot fires the same triggers in the same order as the live engine", () => {
    const ex = setup({ a: 1000, b: 1000, c: 1000, mm: 100_000 });
    ex.apply(limit("mm", "buy", 100n, px(2500)));
    ex.apply(stop("a", "sell", 1n, px(2800)));
    ex.apply(stop("b", "sell", 1n, px(2950)));
    ex.apply(stop("c", "buy", 1n, px(3500)));
    const copy = Exchange.restore(ex.snapshot());
    expect(copy.snapshot()).toEqual(ex.snapshot());
    const mark = { type: "markPrice", market: M, indexPerLot: px(2700) } as const;
    expect(copy.apply(mark)).toEqual(ex.apply(mark));
    expect(copy.snapshot()).toEqual(ex.snapshot());
  });

  test("property: on a mark-priced market each mark fires exactly the pending stops it crosses, oldest first, as the linear scan did", () => {
    const step = fc.oneof(
      fc.record({
        kind: fc.constant("stop" as const),
        who: fc.constantFrom("a", "b", "c"),
        side: fc.constantFrom("buy" as const, "sell" as const),
        at: fc.integer({ min: 2_700, max: 3_300 }),
      }),
      fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant("mark" as const), at: fc.integer({ min: 2_700, max: 3_300 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        const ex = setup({ a: 100_000, b: 100_000, c: 100_000, mm: 1_000_000 });
        // resting liquidity both ways, so fired stops trade and move positions
        ex.apply(limit("mm", "buy", 200n, px(2_600)));
        ex.apply(limit("mm", "sell", 200n, px(3_400)));
        for (const s of steps) {
          const pending = ex.snapshot().markets.find((m) => m.params.symbol === M)!.triggers;
          if (s.kind === "stop") ex.apply(stop(s.who, s.side, 1n, px(s.at)));
          else if (s.kind === "cancel" && pending.length > 0) {
            const t = pending[s.pick % pending.length]!;
            ex.apply({ type: "cancel", account: t.account, orderId: t.id });
          } else if (s.kind === "mark") {
            // the reference: the linear scan's answer for a fixed price — every crossed stop, by id
            const price = px(s.at);
            const expected = pending
              .filter((t) => (t.side === "buy" ? price >= t.triggerPerLot : price <= t.triggerPerLot))
              .map((t) => t.id);
            const fired = ofType(ex.apply({ type: "markPrice", market: M, indexPerLot: price }), "triggered");
            expect(fired.map((t) => t.orderId)).toEqual(expected);
          }
        }
        expect(checkInvariants(ex.snapshot())).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  test("firing 10,000 stops behind 10,000 that do not fire costs O(N log N): one mark in under 800 ms (the linear rescan took 3.3 s)", () => {
    const accounts = Array.from({ length: 400 }, (_, i) => `t${i}`);
    const ex = setup(Object.fromEntries(accounts.map((a) => [a, 1000])));
    // the older half never fires (buy stops far above); the newer half all fire on one mark
    for (const [i, a] of accounts.entries())
      for (let k = 0; k < 50; k++) {
        const r = ex.apply(i < 200 ? stop(a, "buy", 1n, px(5000 + k)) : stop(a, "sell", 1n, px(2900 - k)));
        if (ofType(r, "rejected").length > 0) throw new Error(`setup stop refused: ${JSON.stringify(r[0])}`);
      }
    const started = performance.now();
    const events = ex.apply({ type: "markPrice", market: M, indexPerLot: px(2800) });
    const ms = performance.now() - started;
    expect(ofType(events, "triggered")).toHaveLength(10_000);
    expect(ms).toBeLessThan(800);
  });
});

describe("order ids reveal nothing", () => {
  test("another account's order is answered exactly as a missing one (cancel, amend, pending stop)", () => {
    const ex = setup({ alice: 1000, bob: 1000 });
    const resting = ofType(ex.apply(limit("alice", "buy", 1n, px(2900))), "orderAccepted")[0]!.orderId;
    const pending = ofType(ex.apply(stop("alice", "sell", 1n, px(2800))), "triggerAccepted")[0]!.orderId;
    const missing = 999_999;
    const refusal = (events: EngineEvent[]) => {
      const r = ofType(events, "rejected")[0]!;
      return { code: r.code, message: r.message.replace(/\d+/g, "N") };
    };
    const asMissing = refusal(ex.apply({ type: "cancel", account: "bob", orderId: missing }));
    expect(asMissing.code).toBe("ORDER_NOT_FOUND");
    expect(refusal(ex.apply({ type: "cancel", account: "bob", orderId: resting }))).toEqual(asMissing);
    expect(refusal(ex.apply({ type: "cancel", account: "bob", orderId: pending }))).toEqual(asMissing);
    const amendMissing = refusal(ex.apply({ type: "amend", account: "bob", orderId: missing, sizeBase: LOT }));
    expect(refusal(ex.apply({ type: "amend", account: "bob", orderId: resting, sizeBase: LOT }))).toEqual(amendMissing);
    expect(refusal(ex.apply({ type: "amend", account: "bob", orderId: pending, sizeBase: LOT }))).toEqual(amendMissing);
    // the owner still gets the real answers
    expect(ofType(ex.apply({ type: "cancel", account: "alice", orderId: resting }), "orderDone")).toHaveLength(1);
  });

  test("a size beyond 2^53 - 1 lots is refused SIZE_OUT_OF_RANGE before it touches the book", () => {
    const ex = setup({ alice: 1000 });
    const huge = 10n ** 40n * LOT;
    const r = ex.apply({ ...limit("alice", "buy", 1n, px(3000)), sizeBase: huge });
    expect(ofType(r, "rejected")[0]).toMatchObject({ code: "SIZE_OUT_OF_RANGE", details: { field: "sizeBase" } });
  });
});

describe("a stop on the wrong side of the trigger price is refused (issue 21)", () => {
  test.each([
    // side, trigger (USDC/ETH) against a mark of 3000: refused or accepted
    ["buy", 2900, true],
    ["buy", 3000, true],
    ["buy", 3100, false],
    ["sell", 3100, true],
    ["sell", 3000, true],
    ["sell", 2900, false],
  ] as const)("%s stop at %s (mark 3000): refused %s", (side, trigger, refused) => {
    const ex = setup({ alice: 10_000 });
    const events = ex.apply(stop("alice", side, 1n, px(trigger)));
    const rejected = ofType(events, "rejected")[0];
    if (refused) {
      expect(rejected).toMatchObject({ code: "STOP_WRONG_SIDE", details: { trigger: px(trigger), price: px(3000) } });
      expect(ofType(events, "triggerAccepted")).toEqual([]);
      expect(ofType(events, "triggered")).toEqual([]);
    } else {
      expect(rejected).toBeUndefined();
      expect(ofType(events, "triggerAccepted")).toHaveLength(1);
    }
  });

  test("without a reference price yet (spot, no trade) a stop is accepted", () => {
    const ex = Exchange.create([ETH_PERP, WETH_USDC]);
    ex.apply({ type: "deposit", account: "alice", asset: "USDC", amount: USDC(10_000) });
    const events = ex.apply({
      type: "place",
      account: "alice",
      market: "WETH-USDC",
      side: "buy",
      kind: "stopLimit",
      sizeBase: LOT,
      triggerPerLot: px(3000),
      pricePerLot: px(3000),
    });
    expect(ofType(events, "rejected")).toEqual([]);
  });
});
