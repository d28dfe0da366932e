/**
 * The journal's tables (prisma/schema.prisma, "Engine runtime"): one group commit writes every
 * command of a batch with the events it caused, their read-model index rows and trades, and their
 * idempotency keys in ONE statement, one multi-row INSERT per table (rows bound as one jsonb
 * parameter, so a batch of any size is one statement and one parameter).
 */
import type { Command, EngineEvent } from "../../core/engine";
import type { Db } from "../db";
import { execute } from "../db/execute";
import { HOT_SQL } from "../db/hot-sql";
import { decode, encode } from "./codec";
import { subjectsOf } from "./journal-index";

export interface JournalRow {
  seq: bigint;
  command: Command;
  events: readonly EngineEvent[];
  timeMs: number;
  meta: string | null;
  idempotency: { account: string; key: string; requestHash: string; response: string } | null;
}

/**
 * One batch is ONE call of the database function `clearline_write_batch` (migration
 * `journal_write_function`, which holds the statement): its inserts are data-modifying CTEs of a
 * single INSERT, so the batch is atomic without BEGIN/COMMIT, and the database is held for one
 * round trip (with PGlite on its own thread every round trip also waits for the server thread).
 * In the function the statement is planned once per session instead of for every batch.
 *
 * An entry carries its events as one text, so a command costs one JournalEntry row, one
 * JournalIndex row per subject its events concern (a crossing order: taker, maker, fee account)
 * and one Trade row per fill, instead of a row with four indexes per event (docs/ENGINE-RUNTIME.md,
 * Performance).
 *
 * The rows travel as ONE jsonb parameter (`{"j":[…entries],"x":[…index rows],"f":[…trades],"k":[…keys]}`,
 * short keys, bigints as strings), not as arrays per column: the driver then copies one string
 * instead of escaping every element into an array literal (PGlite's own JavaScript did that on its
 * thread), and the batch crosses to the PGlite thread as one string. A change to this format or to
 * the tables is a new migration replacing the function.
 */
const WRITE_BATCH = `${HOT_SQL}SELECT clearline_write_batch($1::jsonb)`;

/** Everything a batch writes, encoded before its statement: the parameter of WRITE_BATCH. */
export interface EncodedBatch {
  json: string;
}

export function encodeBatch(rows: readonly JournalRow[]): EncodedBatch {
  const j: { s: string; c: string; v: string; t: string; m: string | null }[] = [];
  const x: { u: string; s: string; b: number }[] = [];
  const f: {
    mk: string;
    s: string;
    i: number;
    p: string;
    z: string;
    sd: string;
    t: string;
    mf: string;
    tf: string;
    lq: boolean;
  }[] = [];
  const k: { a: string; k: string; h: string; r: string; s: string; t: string }[] = [];
  for (const r of rows) {
    const seq = r.seq.toString();
    const time = String(r.timeMs);
    j.push({ s: seq, c: encode(r.command), v: encode(r.events), t: time, m: r.meta });
    for (const [subject, types] of subjectsOf(r.events)) x.push({ u: subject, s: seq, b: types });
    for (let i = 0; i < r.events.length; i++) {
      const ev = r.events[i]!;
      if (ev.type !== "fill") continue;
      const { market, pricePerLot, sizeBase, takerSide, makerFeeQuote, takerFeeQuote, liquidation } = ev;
      f.push({
        mk: market,
        s: seq,
        i,
        p: pricePerLot.toString(),
        z: sizeBase.toString(),
        sd: takerSide,
        t: time,
        mf: makerFeeQuote.toString(),
        tf: takerFeeQuote.toString(),
        lq: liquidation,
      });
    }
    if (r.idempotency !== null) {
      const key = r.idempotency;
      k.push({ a: key.account, k: key.key, h: key.requestHash, r: key.response, s: seq, t: time });
    }
  }
  return { json: JSON.stringify({ j, x, f, k }) };
}

/** Write one batch durably (one statement, so one transaction). */
export async function writeBatch(db: Db, b: EncodedBatch): Promise<void> {
  await execute(db, WRITE_BATCH, [b.json]);
}

/** Journal commands after `afterSeq`, in order, page by page. */
export async function* readJournal(
  db: Db,
  afterSeq: bigint,
  pageSize = 5_000,
): AsyncGenerator<{ seq: bigint; command: Command; timeMs: bigint }> {
  let from = afterSeq;
  for (;;) {
    const rows = await db.journalEntry.findMany({
      where: { seq: { gt: from } },
      orderBy: { seq: "asc" },
      take: pageSize,
      select: { seq: true, command: true, timeMs: true },
    });
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
