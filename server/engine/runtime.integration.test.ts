import { afterAll, afterEach, beforeAll, describe, expect, it, inject } from "vitest";
import { checkInvariants, Exchange, type Command } from "../../core/engine";
import { isClearlineError } from "../../core/errors";
import { createMigratedTestDatabase, type TestDatabase } from "../db/testing";
import { cancelOrder, placeOrder, setTpSl, amendOrder } from "../services/orders";
import { readJournal } from "./journal-store";
import { recoverExchange, type EngineRuntime } from "./runtime";
import { seedMarkets, startQuietRuntime, storedEvents, TRADERS, truncateJournal } from "./testing";

const serverUrl = inject("testDatabaseUrl");
const [alice, bob, carol] = TRADERS;
const USDC = 1_000_000n; // one USDC in base units
const WETH = 10n ** 18n;
const usd = (n: bigint) => n * USDC; // a price per whole token in USDC

let t: TestDatabase;
let rt: EngineRuntime | null = null;

beforeAll(async () => {
  t = await createMigratedTestDatabase(serverUrl);
  await seedMarkets(t.handle.db);
});
afterEach(async () => {
  await rt?.stop();
  rt = null;
});
afterAll(async () => t?.drop());

async function resetJournal() {
  await truncateJournal(t.handle.db);
}

async function fund(r: EngineRuntime, account: string, asset: string, amount: bigint) {
  const e = await r.submit({ type: "deposit", account, asset, amount });
  expect(e.events.some((x) => x.type === "rejected")).toBe(false);
}

let keyCounter = 0;
const key = () => `test-key-${++keyCounter}-${Math.random().toString(36).slice(2, 10)}`;

describe(`engine runtime (${serverUrl ? "PostgreSQL server" : "PGlite"})`, () => {
  it("starts on an empty journal and adds the Market table's markets as journaled commands", async () => {
    await resetJournal();
    rt = await startQuietRuntime(t.handle.db);
    expect(
      rt
        .markets()
        .map((m) => m.symbol)
        .sort(),
    ).toEqual(["BTC-PERP", "ETH-PERP", "WETH-USDC"]);
    const journal = [];
    for await (const row of readJournal(t.handle.db, 0n)) journal.push(row);
    expect(journal.map((r) => [r.seq, r.command.type])).toEqual([
      [1n, "addMarket"],
      [2n, "addMarket"],
      [3n, "addMarket"],
    ]);
    await rt.stop();
    // a restart replays them and adds nothing
    rt = await startQuietRuntime(t.handle.db);
    expect(rt.status().sequence).toBe(3n);
  });

  it("invariant 7 (replay): latest snapshot + journal after it = the live state; re-derived events = the stored read model", async () => {
    await resetJournal();
    rt = await startQuietRuntime(t.handle.db, { snapshotEvery: 7 });
    const r = rt;
    await r.overrideMarkPrice("ETH-PERP", usd(3000n), "test");
    for (const a of [alice, bob, carol]) await fund(r, a, "USDC", 100_000n * USDC);
    await fund(r, bob, "WETH", 10n * WETH);
    // spot: resting bids, a crossing sell (fills), a cancel and an amend
    const bid = await placeOrder(r, alice, {
      idempotencyKey: key(),
      market: "WETH-USDC",
      side: "buy",
      type: "limit",
      size: WETH / 10n,
      price: usd(2500n),
    });
    const bid2 = await placeOrder(r, alice, {
      idempotencyKey: key(),
      market: "WETH-USDC",
      side: "buy",
      type: "limit",
      size: WETH / 10n,
      price: usd(2490n),
    });
    const sell = await placeOrder(r, bob, {
      idempotencyKey: key(),
      market: "WETH-USDC",
      side: "sell",
      type: "limit",
      size: WETH / 20n,
      price: usd(2500n),
    });
    expect(sell.status).toBe("filled");
    expect(sell.fills).toEqual([{ price: usd(2500n), size: WETH / 20n, feeQuote: expect.any(BigInt) }]);
    await amendOrder(r, alice, { idempotencyKey: key(), orderId: bid.orderId, size: WETH / 40n });
    await cancelOrder(r, alice, { idempotencyKey: key(), orderId: bid2.orderId });
    // perps: a long and a short trade, TP/SL, mark moves, funding
    await placeOrder(r, carol, {
      idempotencyKey: key(),
      market: "ETH-PERP",
      side: "sell",
      type: "limit",
      size: WETH,
      price: usd(3000n),
    });
    const long = await placeOrder(r, alice, {
      idempotencyKey: key(),
      market: "ETH-PERP",
      side: "buy",
      type: "market",
      size: WETH / 2n,
      worstPrice: usd(3010n),
      takeProfit: usd(3300n),
      stopLoss: usd(2800n),
    });
    expect(long.status).toBe("filled");
    await setTpSl(r, alice, { idempotencyKey: key(), market: "ETH-PERP", takeProfit: usd(3400n), stopLoss: null });
    // concurrent commands form group commits (the post-only sell would take: refused, and journaled as such)
    const mixed = await Promise.allSettled([
      r.overrideMarkPrice("ETH-PERP", usd(3050n), "test"),
      placeOrder(r, bob, {
        idempotencyKey: key(),
        market: "ETH-PERP",
        side: "buy",
        type: "limit",
        size: WETH / 4n,
        price: usd(2990n),
      }),
      placeOrder(r, carol, {
        idempotencyKey: key(),
        market: "ETH-PERP",
        side: "sell",
        type: "limit",
        size: WETH / 4n,
        price: usd(2990n),
        postOnly: true,
      }),
      r.submit({ type: "fundingTick", market: "ETH-PERP", timeMs: 3_600_000 }),
      r.submit({ type: "withdraw", account: bob, asset: "USDC", amount: 10n * USDC }),
    ]);
    expect(mixed.map((m) => m.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled"]);
    await r.overrideMarkPrice("ETH-PERP", usd(2700n), "stop-loss fires"); // alice's SL was replaced, TP stays
    const live = r.read((ex) => ex.snapshot());
    expect(checkInvariants(live)).toEqual([]);
    // snapshots are written in the background, their parts spread out: wait for one
    for (let i = 0; i < 100 && r.status().lastSnapshotSeq === 0n; i++) await new Promise((res) => setTimeout(res, 20));
    expect(r.status().lastSnapshotSeq).toBeGreaterThan(0n);
    expect(r.status().journalLag).toBe(0);

    // restart path: latest snapshot + journal after it
    const recovered = await recoverExchange(t.handle.db);
    expect(recovered.snapshotSeq).toBeGreaterThan(0n);
    expect(recovered.replayed).toBeGreaterThan(0);
    expect(recovered.seq).toBe(r.status().sequence);
    expect(recovered.exchange.snapshot()).toEqual(live);

    // full replay from nothing re-derives exactly the stored events
    const ex = Exchange.create([]);
    const stored = new Map((await storedEvents(t.handle.db)).map((s) => [s.seq, s.events]));
    for await (const row of readJournal(t.handle.db, 0n)) {
      const events = ex.apply(row.command);
      expect(events, `events of seq ${row.seq}`).toEqual(stored.get(row.seq) ?? []);
    }
    expect(ex.snapshot()).toEqual(live);
  });

  it("SECURITY attack 8: fifty parallel orders and fifty parallel withdrawals spending one balance never spend more than it", async () => {
    await resetJournal();
    rt = await startQuietRuntime(t.handle.db);
    const r = rt;
    await fund(r, alice, "USDC", 1_000n * USDC);
    // each buy locks 0.04 WETH * 2500 = 100 USDC + fee at the highest rate: at most 9 fit in 1000 USDC
    const orders = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        placeOrder(r, alice, {
          idempotencyKey: key(),
          market: "WETH-USDC",
          side: "buy",
          type: "limit",
          size: (4n * WETH) / 100n,
          price: usd(2500n),
        }),
      ),
    );
    const accepted = orders.filter((o) => o.status === "fulfilled");
    const refused = orders.filter((o) => o.status === "rejected");
    expect(accepted).toHaveLength(9);
    for (const o of refused) expect(isClearlineError(o.reason) && o.reason.code).toBe("INSUFFICIENT_BALANCE");
    const afterOrders = r.read((ex) => ex.balance(alice, "USDC"));
    expect(afterOrders.available).toBeGreaterThanOrEqual(0n);
    expect(afterOrders.available + afterOrders.locked).toBe(1_000n * USDC);
    expect(r.status().maxBatchSize).toBeGreaterThan(1); // they were group-committed

    const free = afterOrders.available; // 1000 - 9 * (100 + fee lock)
    const withdrawals = await Promise.all(
      Array.from({ length: 50 }, () =>
        r.submit({ type: "withdraw", account: alice, asset: "USDC", amount: 1n * USDC }),
      ),
    );
    const done = withdrawals.filter((w) => !w.events.some((e) => e.type === "rejected")).length;
    expect(BigInt(done)).toBe(free / USDC < 50n ? free / USDC : 50n);
    const end = r.read((ex) => ex.balance(alice, "USDC"));
    expect(end.available).toBeGreaterThanOrEqual(0n);
    expect(end.available + end.locked + BigInt(done) * USDC).toBe(1_000n * USDC);
    expect(checkInvariants(r.read((ex) => ex.snapshot()))).toEqual([]);
  });

  it("remembered keys are forgotten a second after their commit, oldest first; a retry then gets its first answer from the database", async () => {
    await resetJournal();
    let now = 1_000_000;
    rt = await startQuietRuntime(t.handle.db, { clock: () => now });
    const r = rt;
    await fund(r, bob, "USDC", 10_000n * USDC);
    const order = (k: string) => ({
      idempotencyKey: k,
      market: "WETH-USDC",
      side: "buy" as const,
      type: "limit" as const,
      size: WETH / 100n,
      price: usd(1000n),
    });
    const old = await placeOrder(r, bob, order("old-key-0001"));
    now += 500;
    const recent = await placeOrder(r, bob, order("recent-key-0001"));
    now += 600; // "old" is 1.1 s old, "recent" 0.6 s
    await placeOrder(r, bob, order("trigger-0001")); // a commit a second after the last sweep sweeps
    const lookups = () => r.idempotencyStats().databaseLookups;
    const before = lookups();
    expect(await placeOrder(r, bob, order("recent-key-0001"))).toEqual(recent); // still in memory
    expect(lookups()).toBe(before);
    expect(await placeOrder(r, bob, order("old-key-0001"))).toEqual(old); // forgotten: read back
    expect(lookups()).toBe(before + 1);
    expect(r.read((ex) => ex.openOrders(bob))).toHaveLength(3);
  });

  it("SECURITY attack 9 / invariant 6 (idempotency): a retried key has one effect and the same answer; another body under the key is refused", async () => {
    await resetJournal();
    rt = await startQuietRuntime(t.handle.db);
    const r = rt;
    await fund(r, bob, "USDC", 10_000n * USDC);
    const body = {
      idempotencyKey: "retry-key-0001",
      market: "WETH-USDC",
      side: "buy" as const,
      type: "limit" as const,
      size: WETH / 10n,
      price: usd(2000n),
    };
    // the same request five times at once, then again later
    const first = await Promise.all(Array.from({ length: 5 }, () => placeOrder(r, bob, body)));
    const again = await placeOrder(r, bob, { ...body });
    for (const a of [...first, again]) expect(a).toEqual(first[0]);
    expect(r.read((ex) => ex.openOrders(bob))).toHaveLength(1);
    const journaled = await t.handle.db.journalEntry.count({ where: { command: { contains: "retry" } } });
    expect(journaled).toBe(0); // the key is not part of the command …
    expect(await t.handle.db.idempotencyKey.count({ where: { account: bob, key: "retry-key-0001" } })).toBe(1); // … it sits beside it

    // same key, different body → refused, nothing applied
    const seqBefore = r.status().sequence;
    await expect(placeOrder(r, bob, { ...body, price: usd(2001n) })).rejects.toMatchObject({
      code: "IDEMPOTENCY_KEY_REUSED",
    });
    expect(r.status().sequence).toBe(seqBefore);
    // another account may use the same key string
    await fund(r, carol, "USDC", 10_000n * USDC);
    const carols = await placeOrder(r, carol, { ...body });
    expect(carols.orderId).not.toBe(first[0]!.orderId);

    // a refused order's key answers with the same refusal, also after a restart (from the database)
    const tooBig = { ...body, idempotencyKey: "retry-key-0002", size: 100n * WETH };
    await expect(placeOrder(r, bob, tooBig)).rejects.toMatchObject({ code: "INSUFFICIENT_BALANCE" });
    await r.stop();
    rt = await startQuietRuntime(t.handle.db);
    const seqAfterRestart = rt.status().sequence;
    await expect(placeOrder(rt, bob, tooBig)).rejects.toMatchObject({ code: "INSUFFICIENT_BALANCE" });
    expect(await placeOrder(rt, bob, body)).toEqual(first[0]);
    await expect(placeOrder(rt, bob, { ...body, size: WETH })).rejects.toMatchObject({
      code: "IDEMPOTENCY_KEY_REUSED",
    });
    expect(rt.status().sequence).toBe(seqAfterRestart);
    expect(rt.read((ex) => ex.openOrders(bob))).toHaveLength(1);
  });

  it("answers only after the batch is durable, and passes batches to onCommitted listeners in order", async () => {
    await resetJournal();
    rt = await startQuietRuntime(t.handle.db);
    const r = rt;
    const seen: bigint[] = [];
    r.onCommitted((b) => {
      for (const e of b.entries) seen.push(e.seq);
    });
    r.onCommitted(() => {
      throw new Error("a failing listener is logged, not fatal");
    });
    const cmds: Command[] = Array.from({ length: 40 }, (_, i) => ({
      type: "deposit",
      account: TRADERS[i % 3]!,
      asset: "USDC",
      amount: BigInt(i + 1),
    }));
    const entries = await Promise.all(
      cmds.map(async (c) => {
        const e = await r.submit(c);
        // durable when answered: the row is there
        expect(await t.handle.db.journalEntry.count({ where: { seq: e.seq } })).toBe(1);
        return e;
      }),
    );
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => 4n + BigInt(i)));
    await r.stop();
    expect(seen.slice(-40)).toEqual(entries.map((e) => e.seq));
  });
});
