/**
 * Engine snapshots in the database, written in parts off the order path.
 *
 * A snapshot of a busy exchange is megabytes (16,000 resting orders: ~5 MB of codec text, ~35 ms
 * to encode in one go and 40–70 ms to insert into PGlite as one value). Written inside the
 * journal batch, as it once was, that stalled every order in flight. Here a snapshot is split
 * into parts — part 0 is the snapshot without its accounts and orders, then runs of at most
 * `partRows` accounts, then of orders, in their order — each encoded just before its own INSERT,
 * so the server thread and the database are each held for a couple of milliseconds at a time and
 * the order path's statements run in between (they are marked hot, these are not). The runtime
 * also pauses between parts (`gapMs`), so a snapshot's work is spread over a few hundred ms
 * instead of loading both threads at once (it showed as 50 ms latencies during the write).
 *
 * The `EngineStateSnapshot` row is written last: a row there means every part is present. Rows
 * from before parts existed (`parts` = 0) carry the whole snapshot in `data` and still load.
 * Only the newest `KEEP` snapshots are kept (the journal itself is kept whole).
 */
import type { EngineSnapshot } from "../../core/engine";
import type { Db } from "../db";
import { decode, encode } from "./codec";

/** accounts or orders per part: ~300 KB and ~2 ms of encoding each */
export const PART_ROWS = 1_000;
/** snapshots kept: the newest, and the one before in case the newest cannot be read */
const KEEP = 2;

type Part = EngineSnapshot | { accounts: EngineSnapshot["accounts"] } | { orders: EngineSnapshot["orders"] };

/** The parts of `state`, in order (part 0 first). */
export function* snapshotParts(state: EngineSnapshot, partRows = PART_ROWS): Generator<Part> {
  yield { ...state, accounts: [], orders: [] };
  for (let i = 0; i < state.accounts.length; i += partRows) yield { accounts: state.accounts.slice(i, i + partRows) };
  for (let i = 0; i < state.orders.length; i += partRows) yield { orders: state.orders.slice(i, i + partRows) };
}

/** The snapshot made of `parts` (as snapshotParts yields them). */
export function joinSnapshotParts(parts: readonly Part[]): EngineSnapshot {
  const [head, ...rest] = parts;
  if (head === undefined || !("version" in head)) throw new Error("snapshot part 0 is missing");
  const state: EngineSnapshot = { ...head, accounts: [...head.accounts], orders: [...head.orders] };
  for (const p of rest) {
    if ("accounts" in p) state.accounts.push(...p.accounts);
    else if ("orders" in p) state.orders.push(...p.orders);
  }
  return state;
}

/**
 * Writes the snapshot taken right after journal entry `seq`, in parts, then its row; then drops
 * snapshots older than the newest KEEP. The journal up to `seq` must already be durable. A
 * snapshot already complete at `seq` is left as it is (the state after a given seq is always
 * the same). A write cut short leaves parts without a row: never read, removed by the next write.
 */
export async function writeSnapshot(
  db: Db,
  snap: { seq: bigint; state: EngineSnapshot; timeMs: number },
  options: { partRows?: number; gapMs?: number } = {},
): Promise<void> {
  const { partRows = PART_ROWS, gapMs = 0 } = options;
  const seq = snap.seq;
  const done = await db.engineStateSnapshot.findUnique({ where: { seq }, select: { seq: true } });
  if (done !== null) return;
  await db.engineStateSnapshotPart.deleteMany({ where: { seq } });
  let part = 0;
  for (const value of snapshotParts(snap.state, partRows)) {
    // encoded here, one part at a time: the awaits between parts let orders through
    await db.engineStateSnapshotPart.create({ data: { seq, part, data: encode(value) } });
    part++;
    // PGlite in this thread answers without giving the event loop a turn: give it one; in the
    // background, a pause between parts spreads the work (the order path shares both threads)
    await new Promise((resolve) => (gapMs > 0 ? setTimeout(resolve, gapMs) : setImmediate(resolve)));
  }
  await db.engineStateSnapshot.create({ data: { seq, data: "", timeMs: BigInt(snap.timeMs), parts: part } });
  await pruneSnapshots(db);
}

/** Drops every snapshot (and stray part) older than the newest KEEP complete ones, in one statement. */
export async function pruneSnapshots(db: Db): Promise<void> {
  await db.$executeRawUnsafe(`WITH horizon AS (SELECT seq FROM "EngineStateSnapshot" ORDER BY seq DESC OFFSET ${KEEP - 1} LIMIT 1),
  snapshots AS (DELETE FROM "EngineStateSnapshot" WHERE seq < (SELECT seq FROM horizon))
DELETE FROM "EngineStateSnapshotPart" WHERE seq < (SELECT seq FROM horizon)`);
}

/** The newest complete snapshot, or null. */
export async function latestSnapshot(db: Db): Promise<{ seq: bigint; state: EngineSnapshot } | null> {
  const row = await db.engineStateSnapshot.findFirst({ orderBy: { seq: "desc" } });
  if (row === null) return null;
  if (row.parts === 0) return { seq: row.seq, state: decode<EngineSnapshot>(row.data) };
  const parts = await db.engineStateSnapshotPart.findMany({ where: { seq: row.seq }, orderBy: { part: "asc" } });
  if (parts.length !== row.parts || parts.some((p, i) => p.part !== i)) {
    throw new Error(
      `snapshot at seq ${row.seq} has ${parts.length} of its ${row.parts} parts: the database was changed outside the runtime`,
    );
  }
  return { seq: row.seq, state: joinSnapshotParts(parts.map((p) => decode<Part>(p.data))) };
}
