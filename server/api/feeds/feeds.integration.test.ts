/**
 * The trading API through the real router (createCaller with a signed-in context): orders,
 * account and market reads in trader units, and the live feeds resuming after lastEventId
 * without gaps or duplicates.
 */
import { toBaseUnits } from "../../../core/money";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { createMigratedTestDatabase, type TestDatabase } from "../../db/testing";
import { parsePosition, positionAfter } from "../../engine/feed-hub";
import type { EngineRuntime } from "../../engine/runtime";
import { seedMarkets, startQuietRuntime, TRADERS } from "../../engine/testing";
import { createCaller } from "../root";
import { contextsOver, engineOnlyServices } from "../testing";

const serverUrl = inject("testDatabaseUrl");
const USDC = 1_000_000n;
const WETH = 10n ** 18n;
const usd = (n: bigint) => n * USDC;
let t: TestDatabase;
let rt: EngineRuntime;

const ctxFor = contextsOver(() => engineOnlyServices(t.handle, () => rt));

beforeAll(async () => {
  t = await createMigratedTestDatabase(serverUrl);
  await seedMarkets(t.handle.db);
  rt = await startQuietRuntime(t.handle.db);
  for (const a of TRADERS) {
    await rt.submit({ type: "deposit", account: a, asset: "USDC", amount: usd(1_000_000n) });
    await rt.submit({ type: "deposit", account: a, asset: "WETH", amount: 100n * WETH });
  }
  await rt.overrideMarkPrice("ETH-PERP", usd(3000n), "test");
});
afterAll(async () => {
  await rt?.stop();
  await t?.drop();
});

type Envelope<T> = [string, T, symbol];

/** Read `n` items from a subscription, then disconnect. */
async function take<T>(iterable: AsyncIterable<unknown>, n: number, timeoutMs = 5_000): Promise<Envelope<T>[]> {
  const out: Envelope<T>[] = [];
  const it = iterable[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  try {
    while (out.length < n) {
      const next = await Promise.race([
        it.next(),
        new Promise<"timeout">((r) => setTimeout(() => r("timeout"), Math.max(0, deadline - Date.now()))),
      ]);
      if (next === "timeout") throw new Error(`only ${out.length} of ${n} items before the timeout`);
      if (next.done) break;
      out.push(next.value as Envelope<T>);
    }
  } finally {
    await it.return?.();
  }
  return out;
}

let k = 0;
const key = () => `feeds-test-${++k}-key`;

describe(`trading API and feeds (${serverUrl ? "PostgreSQL server" : "PGlite"})`, () => {
  it("places orders in whole-token prices, reads them back, and refuses the signed-out and bad input", async () => {
    const [alice, bob] = [createCaller(ctxFor(TRADERS[0])), createCaller(ctxFor(TRADERS[1]))];
    await expect(
      createCaller(ctxFor(null)).orders.place({
        idempotencyKey: key(),
        market: "WETH-USDC",
        side: "buy",
        type: "limit",
        size: WETH,
        price: usd(2000n),
      }),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(
      alice.orders.place({
        idempotencyKey: "short",
        market: "WETH-USDC",
        side: "buy",
        type: "limit",
        size: WETH,
        price: usd(2000n),
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      alice.orders.place({ idempotencyKey: key(), market: "WETH-USDC", side: "buy", type: "market", size: WETH }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" }); // no slippage bound
    await expect(
      alice.orders.place({
        idempotencyKey: key(),
        market: "WETH-USDC",
        side: "buy",
        type: "limit",
        size: WETH,
        price: usd(2000n) + 1n,
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { code: "PRICE_NOT_ON_TICK" } });

    const bid = await alice.orders.place({
      idempotencyKey: key(),
      market: "WETH-USDC",
      side: "buy",
      type: "limit",
      size: WETH,
      price: usd(2000n),
    });
    expect(bid).toMatchObject({
      v: 1,
      status: "resting",
      remainingSize: { value: "1", symbol: "WETH" },
      filledSize: { value: "0", symbol: "WETH" },
    });
    expect(await alice.account.openOrders()).toContainEqual({
      orderId: bid.orderId,
      market: "WETH-USDC",
      side: "buy",
      price: { value: "2000", symbol: "USDC" },
      size: { value: "1", symbol: "WETH" },
    });
    const book = await alice.markets.book({ market: "WETH-USDC", depth: 5 });
    expect(book).toMatchObject({ v: 1, market: "WETH-USDC", base: "WETH", quote: "USDC", asks: [] });
    expect(book.bids[0]).toEqual(["2000", "1"]);
    // grouping by 10 USDC rounds bids down
    await alice.orders.place({
      idempotencyKey: key(),
      market: "WETH-USDC",
      side: "buy",
      type: "limit",
      size: WETH,
      price: usd(1995n),
    });
    expect((await alice.markets.book({ market: "WETH-USDC", depth: 5, grouping: usd(10n) })).bids).toEqual([
      ["2000", "1"],
      ["1990", "1"],
    ]);

    const sell = await bob.orders.place({
      idempotencyKey: key(),
      market: "WETH-USDC",
      side: "sell",
      type: "market",
      size: WETH / 2n,
      worstPrice: usd(1900n),
    });
    expect(sell).toMatchObject({ status: "filled", filledSize: { value: "0.5", symbol: "WETH" } });
    expect(sell.fills[0]).toEqual({
      price: { value: "2000", symbol: "USDC" },
      size: { value: "0.5", symbol: "WETH" },
      fee: { value: expect.stringMatching(/^\d+(\.\d+)?$/), symbol: "USDC" },
    });
    const fills = await bob.account.fills({ limit: 10 });
    expect(fills.fills[0]).toMatchObject({
      market: "WETH-USDC",
      side: "sell",
      role: "taker",
      price: { value: "2000", symbol: "USDC" },
      size: { value: "0.5", symbol: "WETH" },
    });
    const trades = await bob.markets.trades({ market: "WETH-USDC", limit: 5 });
    expect(trades[0]).toMatchObject({
      v: 1,
      market: "WETH-USDC",
      price: { value: "2000", symbol: "USDC" },
      size: { value: "0.5", symbol: "WETH" },
      takerSide: "sell",
    });
    // one market shape: the Market table's row in whole tokens, with its live figures
    const list = await bob.markets.list();
    expect(list.find((m) => m.symbol === "WETH-USDC")).toEqual({
      v: 1,
      symbol: "WETH-USDC",
      kind: "SPOT",
      status: "ACTIVE",
      base: { symbol: "WETH", decimals: 18 },
      quote: { symbol: "USDC", decimals: 6 },
      tickSize: { value: "0.01", symbol: "USDC" },
      lotSize: { value: "0.0001", symbol: "WETH" },
      minNotional: { value: "10", symbol: "USDC" },
      maxLeverage: 1,
      initialMarginBps: 10_000,
      maintenanceMarginBps: 10_000,
      makerFeePips: 100,
      takerFeePips: 500,
      fundingIntervalSec: null,
      fundingCapPips: null,
      lastPrice: { value: "2000", symbol: "USDC" },
      markPrice: null, // a spot market has no mark
      indexPrice: null,
      change24h: { value: "0", symbol: "USDC" },
      volume24h: { value: "0.5", symbol: "WETH" },
    });
    const candles = await bob.markets.candles({ market: "WETH-USDC", intervalSec: 60 });
    expect(candles).toMatchObject({ v: 1, market: "WETH-USDC", intervalSec: 60, base: "WETH", quote: "USDC" });
    expect(candles.candles.at(-1)).toEqual([expect.any(Number), "2000", "2000", "2000", "2000", "0.5", 1]);
    const balances = await alice.account.balances();
    expect(balances.find((b) => b.asset === "WETH")!.available).toEqual({ value: "100.5", symbol: "WETH" });
    const fees = await bob.account.fees({ limit: 10 });
    expect(fees.totals[0]!.fee.symbol).toBe("USDC");
    expect(toBaseUnits(fees.totals[0]!.fee.value, 6)).toBeGreaterThan(0n);

    // a perpetual position with its risk figures
    await bob.orders.place({
      idempotencyKey: key(),
      market: "ETH-PERP",
      side: "sell",
      type: "limit",
      size: WETH,
      price: usd(3000n),
    });
    await alice.orders.place({
      idempotencyKey: key(),
      market: "ETH-PERP",
      side: "buy",
      type: "limit",
      size: WETH,
      price: usd(3000n),
      timeInForce: "IOC",
    });
    const [pos] = await alice.account.positions();
    expect(pos).toMatchObject({
      market: "ETH-PERP",
      size: { value: "1", symbol: "WETH" },
      entryPrice: { value: "3000", symbol: "USDC" },
      markPrice: { value: "3000", symbol: "USDC" },
      unrealizedPnl: { value: "0", symbol: "USDC" },
    });
    expect(pos!.liquidationPrice).toBeNull(); // 1 ETH against ~1M USDC collateral: no positive liquidation price
    const tpsl = await alice.orders.setTpSl({
      idempotencyKey: key(),
      market: "ETH-PERP",
      takeProfit: usd(3500n),
      stopLoss: usd(2500n),
    });
    expect(tpsl.takeProfitOrderId).not.toBeNull();
    const hist = await alice.account.history({ limit: 200 });
    expect(hist.rows.map((r) => r.activity.kind)).toEqual(
      expect.arrayContaining(["orderAccepted", "fill", "balance", "position", "triggerAccepted"]),
    );
    // the wire speaks whole tokens with symbols, from the trader's side of the fill
    expect(hist.rows.find((r) => r.activity.kind === "fill" && r.activity.market === "ETH-PERP")!.activity).toEqual({
      kind: "fill",
      market: "ETH-PERP",
      orderId: expect.any(Number),
      side: "buy",
      role: "taker",
      price: { value: "3000", symbol: "USDC" },
      size: { value: "1", symbol: "WETH" },
      notional: { value: "3000", symbol: "USDC" },
      fee: { value: expect.stringMatching(/^\d+(\.\d+)?$/), symbol: "USDC" },
      liquidation: false,
    });
    // the other party of a fill never reaches the wire (SECURITY.md attack 18); before the activity
    // DTOs, history carried the engine's fill event with maker and taker addresses
    const wire = JSON.stringify(hist.rows, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    expect(wire.toLowerCase()).not.toContain(TRADERS[1].slice(2).toLowerCase());
  });

  it("feeds.trades and feeds.account resume after lastEventId with no gap and no duplicate", async () => {
    const alice = createCaller(ctxFor(TRADERS[0]));
    const carol = createCaller(ctxFor(TRADERS[2]));
    const trade = async (i: number) => {
      await carol.orders.place({
        idempotencyKey: key(),
        market: "WETH-USDC",
        side: "sell",
        type: "limit",
        size: WETH / 100n,
        price: usd(2100n + BigInt(i)),
      });
      await alice.orders.place({
        idempotencyKey: key(),
        market: "WETH-USDC",
        side: "buy",
        type: "limit",
        size: WETH / 100n,
        price: usd(2100n + BigInt(i)),
        timeInForce: "IOC",
      });
    };
    // live subscription, first three trades
    const firstSub = await alice.feeds.trades({ market: "WETH-USDC" });
    const firstRead = take<{ price: { value: string } }>(firstSub, 3);
    await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 3; i++) await trade(i);
    const first = await firstRead;
    expect(first.map((e) => e[1].price.value)).toEqual(["2100", "2101", "2102"]);
    // disconnected: five more happen
    for (let i = 3; i < 8; i++) await trade(i);
    // reconnect after the last id seen: back-fill from the database, then live
    const resumed = await alice.feeds.trades({ market: "WETH-USDC", lastEventId: first.at(-1)![0] });
    const resumedRead = take<{ price: { value: string } }>(resumed, 7);
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 8; i < 10; i++) await trade(i);
    const second = await resumedRead;
    expect(second.map((e) => e[1].price.value)).toEqual([3, 4, 5, 6, 7, 8, 9].map((i) => `${2100 + i}`));
    const ids = [...first, ...second].map((e) => e[0]);
    expect(new Set(ids).size).toBe(ids.length);

    // the account feed: the trader's own events, resumable the same way
    const acc = await carol.feeds.account({});
    const accRead = take<{ seq: bigint; activity: { kind: string } }>(acc, 2);
    await new Promise((r) => setTimeout(r, 20));
    await carol.orders.place({
      idempotencyKey: key(),
      market: "WETH-USDC",
      side: "sell",
      type: "limit",
      size: WETH / 100n,
      price: usd(2500n),
    });
    const got = await accRead;
    expect(got.map((e) => e[1].activity.kind)).toEqual(["balance", "orderAccepted"]); // the lock, then the order
    await carol.orders.place({
      idempotencyKey: key(),
      market: "WETH-USDC",
      side: "sell",
      type: "limit",
      size: WETH / 100n,
      price: usd(2600n),
    });
    const again = await take<{ activity: { kind: string } }>(await carol.feeds.account({ lastEventId: got[1]![0] }), 2);
    expect(again.map((e) => e[1].activity.kind)).toEqual(["balance", "orderAccepted"]);
    expect(positionAfter(parsePosition(again[0]![0])!, parsePosition(got[1]![0]))).toBe(true);
  });

  it("feeds.book sends a snapshot, then 100 ms diffs with removed levels as size 0", async () => {
    const bob = createCaller(ctxFor(TRADERS[1]));
    const sub = await bob.feeds.book({ market: "BTC-PERP" });
    const read = take<{ kind: string; bids: [string, string][]; asks: [string, string][] }>(sub, 3);
    await new Promise((r) => setTimeout(r, 20));
    await rt.overrideMarkPrice("BTC-PERP", usd(60_000n), "test");
    const o = await bob.orders.place({
      idempotencyKey: key(),
      market: "BTC-PERP",
      side: "buy",
      type: "limit",
      size: 100_000n,
      price: usd(59_000n),
    });
    await new Promise((r) => setTimeout(r, 250));
    await bob.orders.cancel({ idempotencyKey: key(), orderId: o.orderId });
    const [snap, add, remove] = await read;
    expect(snap![1]).toMatchObject({ v: 1, kind: "snapshot", market: "BTC-PERP", bids: [], asks: [] });
    // whole-token decimal strings, the symbols once on the envelope; size "0" removes the level
    expect(add![1]).toMatchObject({ kind: "diff", base: "WBTC", quote: "USDC", bids: [["59000", "0.001"]], asks: [] });
    expect(remove![1]).toMatchObject({ kind: "diff", bids: [["59000", "0"]], asks: [] });
    // each update carries the server time it was produced (for delivery latency): in order, not in the future
    const times = [snap!, add!, remove!].map((e) => (e[1] as unknown as { timeMs: bigint }).timeMs);
    expect(times[0]! <= times[1]! && times[1]! <= times[2]! && times[2]! <= BigInt(Date.now())).toBe(true);
  });
});

describe("account.history paging", () => {
  it("pages backwards by whole journal entries: every event exactly once", async () => {
    const alice = createCaller(ctxFor(TRADERS[0]));
    const all = await alice.account.history({ limit: 500 });
    expect(all.nextBefore).toBeNull();
    const paged: string[] = [];
    let before: bigint | undefined;
    for (let i = 0; i < 100; i++) {
      const page = await alice.account.history({ limit: 3, before });
      paged.push(...page.rows.map((r) => `${r.seq}:${r.idx}`));
      if (page.nextBefore === null) break;
      before = page.nextBefore;
    }
    expect(paged).toEqual(all.rows.map((r) => `${r.seq}:${r.idx}`));
  });
});
