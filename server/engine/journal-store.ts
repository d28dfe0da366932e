/**
 * The journal's tables (prisma/schema.prisma, "Engine runtime"): one group commit writes every
 * command of a batch, every event they caused and their idempotency keys in ONE statement, one multi-row INSERT per table (arrays bound through unnest, so
 * a batch of any size is one statement and a handful of parameters).
 */
import type { Command, EngineEvent } from "../../core/engine";
import type { Db } from "../db";
import { execute } from "../db/execute";
import { HOT_SQL } from "../db/hot-sql";
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

/**
 * One batch is ONE statement: the four inserts are data-modifying CTEs of a single INSERT, so
 * the batch is atomic without BEGIN/COMMIT, and the database is held for one round trip instead
 * of six (with PGlite on its own thread every round trip also waits for the server thread).
 * Foreign keys between them are checked at the end of the statement, as for any INSERT.
 */
const WRITE_BATCH = `${HOT_SQL}WITH
  journal AS (INSERT INTO "JournalEntry" ("seq", "command", "timeMs", "meta")
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[])),
  events AS (INSERT INTO "JournalEvent" ("seq", "idx", "type", "market", "account", "counterparty", "pricePerLot", "sizeBase", "timeMs", "data")
    SELECT * FROM unnest($5::bigint[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[], $11::numeric[], $12::numeric[], $13::bigint[], $14::text[]))
INSERT INTO "IdempotencyKey" ("account", "key", "requestHash", "response", "seq", "timeMs")
  SELECT * FROM unnest($15::text[], $16::text[], $17::text[], $18::text[], $19::bigint[], $20::bigint[])`;

/** Everything a batch writes, already encoded (encoding happens before the transaction). */
export interface EncodedBatch {
  journal: [string[], string[], string[], (string | null)[]];
  events: [string[], number[], string[], (string | null)[], (string | null)[], (string | null)[], (string | null)[], (string | null)[], string[], string[]];
  keys: [string[], string[], string[], string[], string[], string[]];
}

export function encodeBatch(rows: readonly JournalRow[]): EncodedBatch {
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
  return { journal: j, events: e, keys: k };
}

/** Write one batch durably (one statement, so one transaction). */
export async function writeBatch(db: Db, b: EncodedBatch): Promise<void> {
  await execute(db, WRITE_BATCH, [...b.journal, ...b.events, ...b.keys]);
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
