/**
 * Bench row 4 (shared PERFORMANCE.md): the journal, events committed per second.
 *
 * Ours: the engine runtime's group commit — many callers submit deposit commands concurrently;
 * each is answered only after its batch (journal rows with their events + index rows, one multi-row INSERT per
 * table, one transaction) committed.
 * Peer: one Prisma transaction per event — `$transaction([journalEntry.create, journalIndex.create])`
 * for each command, one after another (the ORM-round-trip-per-event design).
 *
 * Both on the same freshly migrated database, in the same run, rounds alternating A B A B;
 * medians reported. Twice, labelled with what a commit survives (bench/lib/durability.ts):
 *   - journal.events_per_s, the headline: a new database on a PostgreSQL server with fsync=on
 *     (bench/lib/postgres-server.ts: the bench's own, or BENCH_DATABASE_URL's), "durable
 *     (PostgreSQL, fsync=on)" — every commit waits for its WAL fsync; not run, with the reason,
 *     when there is no PostgreSQL to start;
 *   - journal.events_per_s.pglite: a file-backed PGlite, which never fsyncs: "process-crash
 *     safe (PGlite does not fsync)".
 * Run alone: `npx tsx bench/service-journal.ts [--quick]`.
 */
import { performance } from "node:perf_hooks";
import type { Command } from "../core/engine";
import { createMigratedTestDatabase } from "../server/db/testing";
import type { Db } from "../server/db";
import { encode } from "../server/engine/codec";
import { typeMask } from "../server/engine/journal-index";
import { seedMarkets, startQuietRuntime } from "../server/engine/testing";
import { PGLITE_DURABILITY, POSTGRES_DURABLE } from "./lib/durability";
import { benchPostgres, describeCounters, serverCounters, type BenchPostgres } from "./lib/postgres-server";
import type { BenchGroup, BenchOptions, BenchRow } from "./types";
import { runIfMain } from "./lib/standalone";

const ACCOUNT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const IN_FLIGHT = 512;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Ours: `count` deposits through the runtime with IN_FLIGHT callers waiting at once; events/s. */
async function ours(
  submit: (c: Command) => Promise<{ events: unknown[] }>,
  count: number,
): Promise<{ perSec: number; events: number }> {
  let next = 0;
  let events = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < count) {
        next++;
        const e = await submit({ type: "deposit", account: ACCOUNT, asset: "USDC", amount: 1n });
        events += e.events.length;
      }
    }),
  );
  return { perSec: events / ((performance.now() - t0) / 1000), events };
}

let peerSeq = 10n ** 15n; // far above the runtime's seqs, in the same tables

/** Peer: one Prisma transaction per event (the same rows the runtime writes for a deposit). */
async function peer(db: Db, count: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const seq = peerSeq++;
    const command: Command = { type: "deposit", account: ACCOUNT, asset: "USDC", amount: 1n };
    const event = {
      type: "balance",
      account: ACCOUNT,
      asset: "USDC",
      deltaAvailable: 1n,
      deltaLocked: 0n,
      available: BigInt(i),
      locked: 0n,
      reason: "deposit",
    };
    await db.$transaction([
      db.journalEntry.create({
        data: { seq, command: encode(command), events: encode([event]), timeMs: BigInt(Date.now()) },
      }),
      db.journalIndex.create({ data: { subject: ACCOUNT, seq, types: typeMask(["balance"]) } }),
    ]);
  }
  return count / ((performance.now() - t0) / 1000);
}

const TARGET = ">= 5x peer";

/** One measurement on a new database: `server` null = a file-backed PGlite. */
async function measure(options: BenchOptions, server: Extract<BenchPostgres, { ok: true }> | null): Promise<BenchRow> {
  const rounds = options.quick ? 3 : 5;
  const oursCount = options.quick ? 3_000 : 20_000;
  const peerCount = options.quick ? 300 : 2_000;
  const before = server ? await serverCounters(server.url) : null;
  const t = await createMigratedTestDatabase(server?.url ?? "");
  try {
    await seedMarkets(t.handle.db);
    let storage: string;
    if (server) storage = `${server.description}, database ${t.handle.location}`;
    else {
      const [row] = await t.handle.db.$queryRawUnsafe<{ fsync: string }[]>("SHOW fsync");
      storage = `PGlite (file-backed, ${t.handle.location}; it reports fsync=${row?.fsync})`;
    }
    const rt = await startQuietRuntime(t.handle.db, {
      snapshotEvery: 1_000_000_000,
      snapshotIntervalMs: 1_000_000_000,
    });
    const a: number[] = [];
    const b: number[] = [];
    try {
      // warm up both paths
      await ours((c) => rt.submit(c), 500);
      await peer(t.handle.db, 100);
      for (let r = 0; r < rounds; r++) {
        a.push((await ours((c) => rt.submit(c), oursCount)).perSec);
        b.push(await peer(t.handle.db, peerCount));
      }
    } finally {
      await rt.stop();
    }
    const s = rt.status();
    let counted = "";
    if (server && before) {
      // counted before the database is dropped (its commits go with it), once our connections
      // are gone (a backend flushes its counters when it exits)
      await t.handle.close();
      counted = `; over setup, warm-up and all rounds ${describeCounters(before, await serverCounters(server.url))}`;
    }
    const o = median(a);
    const p = median(b);
    return {
      metric: server ? "journal.events_per_s" : "journal.events_per_s.pglite",
      unit: "events/s",
      ours: o,
      peer: p,
      ratio: o / p,
      target: TARGET,
      pass: o / p >= 5,
      durability: server ? server.label : PGLITE_DURABILITY,
      note: `${storage}; ours: ${oursCount} deposits x ${rounds} rounds, ${IN_FLIGHT} callers in flight, avg batch ${s.avgBatchSize.toFixed(0)} commands (max ${s.maxBatchSize}); peer: ${peerCount} one-transaction-per-event writes x ${rounds}; medians${counted}`,
    };
  } finally {
    await t.drop();
  }
}

export const journalBench: BenchGroup = async (options: BenchOptions): Promise<BenchRow[]> => {
  // the headline: PostgreSQL with fsync=on (the bench's own server unless BENCH_DATABASE_URL)
  const server = await benchPostgres("journal", (l) => console.error(`[bench] ${l}`));
  let headline: BenchRow;
  if (!server.ok)
    headline = {
      metric: "journal.events_per_s",
      unit: "events/s",
      ours: null,
      peer: null,
      ratio: null,
      target: TARGET,
      pass: null,
      durability: POSTGRES_DURABLE,
      note: `not run: ${server.reason}`,
    };
  else {
    try {
      headline = await measure(options, server);
    } finally {
      await server.stop();
    }
  }
  return [headline, await measure(options, null)];
};

runIfMain(import.meta.url, journalBench);
