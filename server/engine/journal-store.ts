/**
 * The journal's tables (prisma/schema.prisma, "Engine runtime"): one group commit writes every
 * command of a batch, every event they caused and their idempotency keys in ONE statement, one
 * multi-row INSERT per table (rows bound as one jsonb parameter, so a batch of any size is one
 * statement and one parameter).
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
 * One batch is ONE statement: the three inserts are data-modifying CTEs of a single INSERT, so
 * the batch is atomic without BEGIN/COMMIT, and the database is held for one round trip instead
 * of six (with PGlite on its own thread every round trip also waits for the server thread).
 * Foreign keys between them are checked at the end of the statement, as for any INSERT.
 *
 * The rows travel as ONE jsonb parameter (`{"j":[…entries],"e":[…events],"k":[…keys]}`, short
 * keys, bigints as strings), not as twenty arrays: the driver then copies one string instead of
 * escaping every element into an array literal (PGlite's own JavaScript did that on its thread),
 * and the batch crosses to the PGlite thread as one string.
 */
const WRITE_BATCH = `${HOT_SQL}WITH
  b AS (SELECT $1::jsonb AS d),
  journal AS (INSERT INTO "JournalEntry" ("seq", "command", "timeMs", "meta")
    SELECT x.s, x.c, x.t, x.m FROM b, jsonb_to_recordset(b.d -> 'j') AS x(s bigint, c text, t bigint, m text)),
  events AS (INSERT INTO "JournalEvent" ("seq", "idx", "type", "market", "account", "counterparty", "pricePerLot", "sizeBase", "timeMs", "data")
    SELECT x.s, x.i, x.y, x.mk, x.a, x.cp, x.p, x.z, x.t, x.d FROM b, jsonb_to_recordset(b.d -> 'e')
      AS x(s bigint, i int, y text, mk text, a text, cp text, p numeric, z numeric, t bigint, d text))
INSERT INTO "IdempotencyKey" ("account", "key", "requestHash", "response", "seq", "timeMs")
  SELECT x.a, x.k, x.h, x.r, x.s, x.t FROM b, jsonb_to_recordset(b.d -> 'k') AS x(a text, k text, h text, r text, s bigint, t bigint)`;

/** Everything a batch writes, encoded before its statement: the parameter of WRITE_BATCH. */
export interface EncodedBatch {
  json: string;
}

export function encodeBatch(rows: readonly JournalRow[]): EncodedBatch {
  const j: { s: string; c: string; t: string; m: string | null }[] = [];
  const e: { s: string; i: number; y: string; mk: string | null; a: string | null; cp: string | null; p: string | null; z: string | null; t: string; d: string }[] = [];
  const k: { a: string; k: string; h: string; r: string; s: string; t: string }[] = [];
  for (const r of rows) {
    const seq = r.seq.toString();
    const time = String(r.timeMs);
    j.push({ s: seq, c: encode(r.command), t: time, m: r.meta });
    for (let i = 0; i < r.events.length; i++) {
      const ev = r.events[i]!;
      const c = eventColumns(ev);
      e.push({
        s: seq,
        i,
        y: ev.type,
        mk: c.market,
        a: c.account,
        cp: c.counterparty,
        p: c.pricePerLot === null ? null : c.pricePerLot.toString(),
        z: c.sizeBase === null ? null : c.sizeBase.toString(),
        t: time,
        d: encode(ev),
      });
    }
    if (r.idempotency !== null) {
      const x = r.idempotency;
      k.push({ a: x.account, k: x.key, h: x.requestHash, r: x.response, s: seq, t: time });
    }
  }
  return { json: JSON.stringify({ j, e, k }) };
}

/** Write one batch durably (one statement, so one transaction). */
export async function writeBatch(db: Db, b: EncodedBatch): Promise<void> {
  await execute(db, WRITE_BATCH, [b.json]);
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
