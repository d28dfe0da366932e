/**
 * Reading the journal's read models: a subject's entries found through JournalIndex, with their
 * events decoded from JournalEntry.events (server/engine/journal-index.ts for the subjects).
 */
import type { EngineEvent } from "../../core/engine";
import type { Db } from "../db";
import { decode } from "./codec";
import { typeMask, type EventType } from "./journal-index";

/** One journal entry as the read models see it. */
export interface StoredEntry {
  seq: bigint;
  timeMs: bigint;
  /** runtime metadata (codec text), e.g. an admin override's reason */
  meta: string | null;
  events: EngineEvent[];
}

/** One event with its journal position: `idx` is its place among its entry's events. */
export interface StoredEvent {
  seq: bigint;
  idx: number;
  timeMs: bigint;
  event: EngineEvent;
}

/**
 * An entry's events from JournalEntry.events: codec text of the array, or, for entries migrated
 * from the per-event table with older (superjson) texts, a JSON array of the per-event texts.
 */
export function decodeEvents(text: string): EngineEvent[] {
  if (text.startsWith("~")) return decode<EngineEvent[]>(text);
  return (JSON.parse(text) as string[]).map((t) => decode<EngineEvent>(t));
}

export interface EntryQuery {
  /** only entries with an event of these types concerning the subject (default: any) */
  types?: readonly EventType[];
  /** newest first, only entries with seq < before */
  before?: bigint;
  /** oldest first, only entries with seq >= from (instead of newest first) */
  from?: bigint;
  /** only entries taken by the sequencer at or after this time (ms) */
  sinceMs?: bigint;
  limit: number;
}

interface EntryRow {
  seq: string;
  timeMs: string;
  meta: string | null;
  events: string;
}

function entryOf(r: EntryRow): StoredEntry {
  return { seq: BigInt(r.seq), timeMs: BigInt(r.timeMs), meta: r.meta, events: decodeEvents(r.events) };
}

/** Entries concerning `subject`: newest first, or oldest first with `from`. */
export async function entriesOf(db: Db, subject: string, q: EntryQuery): Promise<StoredEntry[]> {
  const params: unknown[] = [subject, typeMask(q.types)];
  const where = [`i.subject = $1`, `(i.types & $2::int) <> 0`];
  if (q.before !== undefined) {
    params.push(q.before.toString());
    where.push(`i.seq < $${params.length}::bigint`);
  }
  if (q.from !== undefined) {
    params.push(q.from.toString());
    where.push(`i.seq >= $${params.length}::bigint`);
  }
  if (q.sinceMs !== undefined) {
    params.push(q.sinceMs.toString());
    where.push(`e."timeMs" >= $${params.length}::bigint`);
  }
  params.push(q.limit);
  const rows = await db.$queryRawUnsafe<EntryRow[]>(
    `SELECT e.seq::text AS seq, e."timeMs"::text AS "timeMs", e.meta, e.events
       FROM "JournalIndex" i JOIN "JournalEntry" e ON e.seq = i.seq
      WHERE ${where.join(" AND ")}
      ORDER BY i.seq ${q.from === undefined ? "DESC" : "ASC"} LIMIT $${params.length}::int`,
    ...params,
  );
  return rows.map(entryOf);
}

/** Every entry concerning `subject` (newest first), page by page: for totals over a whole history. */
export async function* eachEntryOf(
  db: Db,
  subject: string,
  q: Omit<EntryQuery, "before" | "from" | "limit">,
  pageSize = 2_000,
): AsyncGenerator<StoredEntry> {
  let before: bigint | undefined;
  for (;;) {
    const page = await entriesOf(db, subject, { ...q, before, limit: pageSize });
    yield* page;
    if (page.length < pageSize) return;
    before = page[page.length - 1]!.seq;
  }
}

/** The entries' events that pass `keep`, in journal order (seq, then idx). */
export function eventsOf(entries: readonly StoredEntry[], keep: (e: EngineEvent) => boolean): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (const en of entries) {
    en.events.forEach((event, idx) => {
      if (keep(event)) out.push({ seq: en.seq, idx, timeMs: en.timeMs, event });
    });
  }
  return out;
}
