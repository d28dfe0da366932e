/**
 * Snapshots in parts (server/engine/snapshot-store.ts) on a real database: a snapshot with many
 * accounts and resting orders comes back deep-equal, in book order; an unfinished write is never
 * read; rows from before parts existed still load; only the newest two are kept; and the runtime
 * writes them beside the journal and restarts from them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { Exchange } from "../../core/engine";
import { WETH_USDC } from "../../core/engine/fixtures";
import { createMigratedTestDatabase, type TestDatabase } from "../db/testing";
import { encode } from "./codec";
import { recoverExchange } from "./runtime";
import { joinSnapshotParts, latestSnapshot, snapshotParts, writeSnapshot } from "./snapshot-store";
import { seedMarkets, startQuietRuntime, TRADERS, truncateJournal } from "./testing";

const serverUrl = inject("testDatabaseUrl");
let t: TestDatabase;

beforeAll(async () => {
  t = await createMigratedTestDatabase(serverUrl);
});
afterAll(async () => {
  await t?.drop();
});
beforeEach(async () => {
  await truncateJournal(t.handle.db);
});

/** 40 accounts, 500 resting orders at several prices on both sides */
function busyExchange(): Exchange {
  const ex = Exchange.create([WETH_USDC]);
  for (let i = 0; i < 20; i++) {
    ex.apply({ type: "deposit", account: `b${i}`, asset: "USDC", amount: 10n ** 15n });
    ex.apply({ type: "deposit", account: `s${i}`, asset: "WETH", amount: 10n ** 24n });
  }
  for (let n = 0; n < 500; n++) {
    const buy = n % 2 === 0;
    const tick = buy ? 299_990 - (n % 7) : 300_010 + (n % 7);
    const events = ex.apply({
      type: "place",
      account: `${buy ? "b" : "s"}${n % 20}`,
      market: "WETH-USDC",
      side: buy ? "buy" : "sell",
      kind: "limit",
      sizeBase: BigInt(1 + (n % 3)) * 10n ** 15n,
      pricePerLot: BigInt(tick) * 10n,
      tif: "GTC",
    });
    expect(events.some((e) => e.type === "rejected")).toBe(false);
  }
  return ex;
}

describe("snapshot store", () => {
  it("splits a snapshot into parts and joins them back to the same snapshot", () => {
    const state = busyExchange().snapshot();
    expect(state.orders).toHaveLength(500);
    const parts = [...snapshotParts(state, 64)];
    expect(parts).toHaveLength(1 + 1 + Math.ceil(500 / 64));
    expect(joinSnapshotParts(parts)).toEqual(state);
  });

  it("writes in parts, reads back deep-equal, and the restored exchange matches", async () => {
    const ex = busyExchange();
    const state = ex.snapshot();
    await writeSnapshot(t.handle.db, { seq: 7n, state, timeMs: 1 }, { partRows: 50 });
    const row = await t.handle.db.engineStateSnapshot.findUniqueOrThrow({ where: { seq: 7n } });
    expect(row).toMatchObject({ data: "", parts: 1 + 1 + 10 });
    const loaded = await latestSnapshot(t.handle.db);
    expect(loaded?.seq).toBe(7n);
    expect(loaded?.state).toEqual(state);
    expect(Exchange.restore(loaded!.state).snapshot()).toEqual(state);
  });

  it("never reads a write that was cut short, and finishes it cleanly the next time", async () => {
    const state = busyExchange().snapshot();
    await writeSnapshot(t.handle.db, { seq: 5n, state, timeMs: 1 }, { partRows: 100 });
    // parts of seq 9 without its row: what a crash in the middle of a write leaves
    await t.handle.db.engineStateSnapshotPart.create({
      data: { seq: 9n, part: 0, data: encode([...snapshotParts(state)][0]) },
    });
    expect((await latestSnapshot(t.handle.db))?.seq).toBe(5n);
    await writeSnapshot(t.handle.db, { seq: 9n, state, timeMs: 2 }, { partRows: 100 });
    expect((await latestSnapshot(t.handle.db))?.state).toEqual(state);
    expect(await t.handle.db.engineStateSnapshotPart.count({ where: { seq: 9n } })).toBe(1 + 1 + 5);
  });

  it("a snapshot already complete at a seq is left alone", async () => {
    const state = busyExchange().snapshot();
    await writeSnapshot(t.handle.db, { seq: 3n, state, timeMs: 1 }, { partRows: 100 });
    await writeSnapshot(
      t.handle.db,
      { seq: 3n, state: { ...state, orders: [] }, timeMs: 2 },
      { partRows: 100, gapMs: 5 },
    );
    expect((await latestSnapshot(t.handle.db))?.state.orders).toHaveLength(500);
  });

  it("rows written before snapshots had parts still load", async () => {
    const state = busyExchange().snapshot();
    await t.handle.db.engineStateSnapshot.create({ data: { seq: 4n, data: encode(state), timeMs: 1n } });
    expect((await latestSnapshot(t.handle.db))?.state).toEqual(state);
  });

  it("keeps only the newest two snapshots", async () => {
    const state = busyExchange().snapshot();
    for (const seq of [1n, 2n, 3n, 4n])
      await writeSnapshot(t.handle.db, { seq, state, timeMs: Number(seq) }, { partRows: 200 });
    const rows = await t.handle.db.engineStateSnapshot.findMany({ orderBy: { seq: "asc" }, select: { seq: true } });
    expect(rows.map((r) => r.seq)).toEqual([3n, 4n]);
    const parts = await t.handle.db.engineStateSnapshotPart.groupBy({ by: ["seq"], orderBy: { seq: "asc" } });
    expect(parts.map((p) => p.seq)).toEqual([3n, 4n]);
  });

  it("the runtime writes snapshots beside the journal, and a restart from them equals the live state", async () => {
    await seedMarkets(t.handle.db);
    const rt = await startQuietRuntime(t.handle.db, { snapshotEvery: 5 });
    for (const a of TRADERS) await rt.submit({ type: "deposit", account: a, asset: "USDC", amount: 10n ** 12n });
    const placed = [];
    for (let i = 0; i < 12; i++) {
      placed.push(
        rt.submit({
          type: "place",
          account: TRADERS[i % 3]!,
          market: "WETH-USDC",
          side: "buy",
          kind: "limit",
          sizeBase: 10n ** 15n,
          pricePerLot: BigInt(290_000 + i) * 10n,
          tif: "GTC",
        }),
      );
    }
    await Promise.all(placed);
    const live = rt.read((ex) => ex.snapshot());
    await rt.stop();
    const snapshots = await t.handle.db.engineStateSnapshot.findMany({ select: { seq: true, parts: true } });
    expect(snapshots.length).toBeGreaterThan(0);
    expect(snapshots.every((s) => s.parts > 0)).toBe(true);
    const { exchange, seq, snapshotSeq } = await recoverExchange(t.handle.db);
    expect(snapshotSeq).toBe(seq); // stop() wrote the last one
    expect(exchange.snapshot()).toEqual(live);
  });
});
