/**
 * The journal's tables (prisma/schema.prisma, "Engine runtime"): one group commit writes every
 * command of a batch, every event they caused, their idempotency keys and (sometimes) a
 * snapshot in ONE transaction, one multi-row INSERT per table (arrays bound through unnest, so
 * a batch of any size is four statements and a handful of parameters).
 */
import type { Command, EngineEvent, EngineSnapshot } from "../../core/engine";
import type { Db } from "../db";
import { decode, encode } from "./codec";
import { eventColumns } from "./event-columns";

export interface JournalRow {
  seq: bigint;
  command: Command;
  events: readonly EngineEvent[];
  timeMs: number;
  meta: string | null;
  idempotency: { account: string; key: string; requestHash: string; response: string } | null;
}

const INSERT_JOURNAL = `INSERT INTO "JournalEntry" ("seq", "command", "timeMs", "meta")
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[])`;
const INSERT_EVENTS = `INSERT INTO "JournalEvent" ("seq", "idx", "type", "market", "account", "counterparty", "pricePerLot", "sizeBase", "timeMs", "data")
  SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::numeric[], $9::bigint[], $10::text[])`;
const INSERT_KEYS = `INSERT INTO "IdempotencyKey" ("account", "key", "requestHash", "response", "seq", "timeMs")
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])`;
const INSERT_SNAPSHOT = `INSERT INTO "EngineStateSnapshot" ("seq", "data", "timeMs") VALUES ($1::bigint, $2, $3::bigint)`;

/** Everything a batch writes, already encoded (encoding happens before the transaction). */
export interface EncodedBatch {
  journal: [string[], string[], string[], (string | null)[]];
  events: [string[], number[], string[], (string | null)[], (string | null)[], (string | null)[], (string | null)[], (string | null)[], string[], string[]];
  keys: [string[], string[], string[], string[], string[], string[]];
  snapshot: { seq: bigint; data: string; timeMs: number } | null;
}

export function encodeBatch(rows: readonly JournalRow[], snapshot: { seq: bigint; state: EngineSnapshot; timeMs: number } | null): EncodedBatch {
  const j: EncodedBatch["journal"] = [[], [], [], []];
  const e: EncodedBatch["events"] = [[], [], [], [], [], [], [], [], [], []];
  const k: EncodedBatch["keys"] = [[], [], [], [], [], []];
  for (const r of rows) {
    const seq = r.seq.toString();
    const time = String(r.timeMs);
    j[0].push(seq);
    j[1].push(encode(r.command));
    j[2].push(time);
    j[3].push(r.meta);
    for (let i = 0; i < r.events.length; i++) {
      const ev = r.events[i]!;
      const c = eventColumns(ev);
      e[0].push(seq);
      e[1].push(i);
      e[2].push(ev.type);
      e[3].push(c.market);
      e[4].push(c.account);
      e[5].push(c.counterparty);
      e[6].push(c.pricePerLot === null ? null : c.pricePerLot.toString());
      e[7].push(c.sizeBase === null ? null : c.sizeBase.toString());
      e[8].push(time);
      e[9].push(encode(ev));
    }
    if (r.idempotency !== null) {
      k[0].push(r.idempotency.account);
      k[1].push(r.idempotency.key);
      k[2].push(r.idempotency.requestHash);
      k[3].push(r.idempotency.response);
      k[4].push(seq);
      k[5].push(time);
    }
  }
  return { journal: j, events: e, keys: k, snapshot: snapshot === null ? null : { seq: snapshot.seq, data: encode(snapshot.state), timeMs: snapshot.timeMs } };
}

/** Write one batch durably (one transaction). */
export async function writeBatch(db: Db, b: EncodedBatch): Promise<void> {
  const ops = [db.$executeRawUnsafe(INSERT_JOURNAL, ...b.journal)];
  if (b.events[0].length > 0) ops.push(db.$executeRawUnsafe(INSERT_EVENTS, ...b.events));
  if (b.keys[0].length > 0) ops.push(db.$executeRawUnsafe(INSERT_KEYS, ...b.keys));
  if (b.snapshot !== null) ops.push(db.$executeRawUnsafe(INSERT_SNAPSHOT, b.snapshot.seq.toString(), b.snapshot.data, String(b.snapshot.timeMs)));
  await db.$transaction(ops);
}

/** The newest snapshot, or null. */
export async function latestSnapshot(db: Db): Promise<{ seq: bigint; state: EngineSnapshot } | null> {
  const row = await db.engineStateSnapshot.findFirst({ orderBy: { seq: "desc" } });
  return row === null ? null : { seq: row.seq, state: decode<EngineSnapshot>(row.data) };
}

/** Journal commands after `afterSeq`, in order, page by page. */
export async function* readJournal(db: Db, afterSeq: bigint, pageSize = 5_000): AsyncGenerator<{ seq: bigint; command: Command; timeMs: bigint }> {
  let from = afterSeq;
  for (;;) {
    const rows = await db.journalEntry.findMany({ where: { seq: { gt: from } }, orderBy: { seq: "asc" }, take: pageSize, select: { seq: true, command: true, timeMs: true } });
    for (const r of rows) yield { seq: r.seq, command: decode<Command>(r.command), timeMs: r.timeMs };
    if (rows.length < pageSize) return;
    from = rows[rows.length - 1]!.seq;
  }
}

/** Highest journaled seq (0 when empty). */
export async function lastJournalSeq(db: Db): Promise<bigint> {
  const row = await db.journalEntry.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
  return row?.seq ?? 0n;
}
