/** The idempotency-key filter: fresh keys skip the database lookup once it is built; stored keys are still answered from the table. */
import { afterAll, afterEach, beforeAll, describe, expect, it, inject } from "vitest";
import { createMigratedTestDatabase, type TestDatabase } from "../db/testing";
import { placeOrder, type PlaceOrderParams } from "../services/orders";
import type { EngineRuntime, EngineRuntimeOptions } from "./runtime";
import { seedMarkets, startQuietRuntime, TRADERS, truncateJournal } from "./testing";

const serverUrl = inject("testDatabaseUrl");
const [alice, bob] = TRADERS;
const USDC = 1_000_000n;
const WETH = 10n ** 18n;
const usd = (n: bigint) => n * USDC;

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

async function start(options: Partial<EngineRuntimeOptions> = {}): Promise<EngineRuntime> {
  rt = await startQuietRuntime(t.handle.db, options);
  return rt;
}

async function resetJournal() {
  await truncateJournal(t.handle.db);
}

const waitFor = async (cond: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
};

let counter = 0;
const freshKey = () => `filter-${++counter}-${Math.random().toString(36).slice(2, 10)}`;
const bid = (key: string, priceWhole = 2000n): PlaceOrderParams => ({
  idempotencyKey: key,
  market: "WETH-USDC",
  side: "buy",
  type: "limit",
  size: WETH / 100n,
  price: usd(priceWhole),
});

async function fund(r: EngineRuntime, account: string, amount: bigint) {
  const e = await r.submit({ type: "deposit", account, asset: "USDC", amount });
  expect(e.events.some((x) => x.type === "rejected")).toBe(false);
}

describe(`idempotency-key filter (${serverUrl ? "PostgreSQL server" : "PGlite"})`, () => {
  it("once built, fresh keys (client keys and internal requestIds) are applied without a database lookup; a retry still gets the first answer", async () => {
    await resetJournal();
    const r = await start();
    await waitFor(() => r.idempotencyStats().filterReady);
    await fund(r, alice, 10_000n * USDC);
    const before = r.idempotencyStats();

    const keys = Array.from({ length: 20 }, freshKey);
    const answers = await Promise.all(keys.map((k) => placeOrder(r, alice, bid(k))));
    const chainId = `chain:0x${"ab".repeat(32)}:7`;
    const credit = await r.submit(
      { type: "deposit", account: bob, asset: "USDC", amount: 5n * USDC },
      { requestId: chainId },
    );
    const after = r.idempotencyStats();
    expect(after.databaseLookups).toBe(before.databaseLookups); // the counter did not move
    expect(after.lookupsSkipped).toBe(before.lookupsSkipped + 21);
    expect(after.filterKeys).toBe(before.filterKeys + 21);
    expect(r.read((ex) => ex.openOrders(alice))).toHaveLength(20);
    expect(await t.handle.db.idempotencyKey.count({ where: { account: alice, key: { in: keys } } })).toBe(20);

    // retries are answered from memory, still without a lookup, and have no second effect
    expect(await placeOrder(r, alice, bid(keys[3]!))).toEqual(answers[3]);
    await expect(placeOrder(r, alice, bid(keys[3]!, 1999n))).rejects.toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
    expect(
      await r.submit({ type: "deposit", account: bob, asset: "USDC", amount: 5n * USDC }, { requestId: chainId }),
    ).toEqual(credit);
    expect(r.read((ex) => ex.balance(bob, "USDC")).available).toBe(5n * USDC);
    expect(r.idempotencyStats().databaseLookups).toBe(before.databaseLookups);
  });

  it("concurrent twins with a fresh key after the filter is built are still one command", async () => {
    await resetJournal();
    const r = await start();
    await waitFor(() => r.idempotencyStats().filterReady);
    await fund(r, alice, 10_000n * USDC);
    const lookups = r.idempotencyStats().databaseLookups;
    const seq = r.status().sequence;
    const key = freshKey();
    const twins = await Promise.all(Array.from({ length: 6 }, () => placeOrder(r, alice, bid(key))));
    for (const a of twins) expect(a).toEqual(twins[0]);
    expect(r.status().sequence).toBe(seq + 1n);
    expect(r.read((ex) => ex.openOrders(alice))).toHaveLength(1);
    expect(await t.handle.db.idempotencyKey.count({ where: { account: alice, key } })).toBe(1);
    expect(r.idempotencyStats().databaseLookups).toBe(lookups);
  });

  it("after a restart, stored keys get their first answer before the filter is built and after (then the filter says maybe and the lookup happens); another body is refused", async () => {
    await resetJournal();
    const first = await start();
    await fund(first, alice, 10_000n * USDC);
    // enough stored keys that a build of one row per statement takes far longer than four answers
    const filler = Array.from({ length: 1_000 }, freshKey);
    await Promise.all(
      filler.map((k) => first.submit({ type: "deposit", account: bob, asset: "USDC", amount: 1n }, { requestId: k })),
    );
    const okKey = freshKey();
    const refusedKey = freshKey();
    const chainId = `chain:0x${"cd".repeat(32)}:3`;
    const placed = await placeOrder(first, alice, bid(okKey));
    await expect(placeOrder(first, alice, { ...bid(refusedKey), size: 1_000n * WETH })).rejects.toMatchObject({
      code: "INSUFFICIENT_BALANCE",
    });
    const credit = await first.submit(
      { type: "deposit", account: bob, asset: "USDC", amount: 7n },
      { requestId: chainId },
    );
    await first.stop();
    rt = null;
    const stored = await t.handle.db.idempotencyKey.count();
    expect(stored).toBe(1_003);

    // before the filter is built: every key goes to the table, exactly as without a filter
    const r = await start({ keyFilterPageRows: 1 });
    const seq = r.status().sequence;
    expect(r.idempotencyStats().filterReady).toBe(false);
    expect(await placeOrder(r, alice, bid(okKey))).toEqual(placed);
    await expect(placeOrder(r, alice, bid(okKey, 1999n))).rejects.toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
    await expect(placeOrder(r, alice, { ...bid(refusedKey), size: 1_000n * WETH })).rejects.toMatchObject({
      code: "INSUFFICIENT_BALANCE",
    });
    expect(
      await r.submit({ type: "deposit", account: bob, asset: "USDC", amount: 7n }, { requestId: chainId }),
    ).toEqual(credit);
    const early = r.idempotencyStats();
    expect(early.filterReady).toBe(false); // all four were answered before the build finished
    expect(early.databaseLookups).toBe(4);
    expect(early.lookupsSkipped).toBe(0);

    // built from every stored row (one row per page): the stored keys make it say "maybe"
    await waitFor(() => r.idempotencyStats().filterReady);
    expect(r.idempotencyStats().filterKeys).toBeGreaterThanOrEqual(stored);
    expect(await placeOrder(r, alice, bid(okKey))).toEqual(placed);
    await expect(placeOrder(r, alice, bid(okKey, 1999n))).rejects.toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
    await expect(placeOrder(r, alice, { ...bid(refusedKey), size: 1_000n * WETH })).rejects.toMatchObject({
      code: "INSUFFICIENT_BALANCE",
    });
    expect(
      await r.submit({ type: "deposit", account: bob, asset: "USDC", amount: 7n }, { requestId: chainId }),
    ).toEqual(credit);
    expect(
      await r.submit({ type: "deposit", account: bob, asset: "USDC", amount: 1n }, { requestId: filler[999]! }),
    ).toMatchObject({ seq: expect.any(BigInt) });
    const late = r.idempotencyStats();
    expect(late.databaseLookups).toBe(early.databaseLookups + 5);
    expect(late.lookupsSkipped).toBe(0);

    // nothing was applied twice
    expect(r.status().sequence).toBe(seq);
    expect(r.read((ex) => ex.openOrders(alice))).toHaveLength(1);
    expect(r.read((ex) => ex.balance(bob, "USDC")).available).toBe(1_000n + 7n);
  });

  it("a failed page leaves the filter not ready (lookups go to the table) until a later read of it succeeds", async () => {
    await resetJournal();
    const first = await start();
    await fund(first, alice, 10_000n * USDC);
    const key = freshKey();
    const placed = await placeOrder(first, alice, bid(key));
    await first.stop();
    rt = null;

    const logged: string[] = [];
    await t.handle.db.$executeRawUnsafe(`ALTER TABLE "IdempotencyKey" RENAME TO "IdempotencyKeyAway"`);
    let r: EngineRuntime;
    try {
      r = await start({ keyFilterRetryMs: 20, log: (m) => logged.push(m) });
      await waitFor(() => logged.filter((m) => m.includes("key filter")).length >= 2); // failed, and failed again on retry
      expect(r.idempotencyStats().filterReady).toBe(false);
    } finally {
      await t.handle.db.$executeRawUnsafe(`ALTER TABLE "IdempotencyKeyAway" RENAME TO "IdempotencyKey"`);
    }
    await waitFor(() => r.idempotencyStats().filterReady);
    const lookups = r.idempotencyStats().databaseLookups;
    expect(await placeOrder(r, alice, bid(key))).toEqual(placed);
    expect(r.idempotencyStats().databaseLookups).toBe(lookups + 1);
    expect(r.read((ex) => ex.openOrders(alice))).toHaveLength(1);
  });

  it("stop() ends a build in progress; the runtime stops without errors", async () => {
    // the table still holds keys from the test before: one row per statement keeps the build busy
    expect(await t.handle.db.idempotencyKey.count()).toBeGreaterThan(0);
    const logged: string[] = [];
    const r = await start({ keyFilterPageRows: 1, log: (m) => logged.push(m) });
    await r.stop();
    rt = null;
    await new Promise((res) => setTimeout(res, 100)); // a build that went on would be ready by now
    expect(r.idempotencyStats().filterReady).toBe(false);
    expect(logged).toEqual([]);
  });
});
