/**
 * The JournalIndex read model (prisma/schema.prisma): for every journal entry, one row per
 * subject its events concern, with a bit set of the event types that concern it. Readers find an
 * account's, a market's or the exchange's entries through it and decode the events from
 * JournalEntry.events (server/engine/journal-read.ts).
 */
import { isReservedAccount, type EngineEvent } from "../../core/engine";
import { eventColumns } from "./event-columns";

export type EventType = EngineEvent["type"];

/**
 * Bit i of `JournalIndex.types` is EVENT_TYPES[i]. Stored in the database: append only, never
 * reorder (the journal_index migration writes the same bits in SQL).
 */
export const EVENT_TYPES = [
  "marketAdded",
  "marketUpdated",
  "rejected",
  "orderAccepted",
  "fill",
  "orderDone",
  "orderAmended",
  "balance",
  "position",
  "markPrice",
  "funding",
  "fundingPayment",
  "triggerAccepted",
  "triggered",
  "triggerCancelled",
  "liquidationStarted",
  "adl",
  "insurance",
  "backstop",
  "liquidationFinished",
] as const satisfies readonly EventType[];

// Every event type has a bit (a new event type fails to compile until it is appended above).
type Missing = Exclude<EventType, (typeof EVENT_TYPES)[number]>;
const everyTypeHasABit: Missing extends never ? true : Missing = true;
void everyTypeHasABit;

// `types` is a 32-bit integer column, and 1 << 31 is negative in JavaScript
if (EVENT_TYPES.length > 31)
  throw new Error("JournalIndex.types holds 31 event types: widen the column before adding more");
const BIT = new Map<string, number>(EVENT_TYPES.map((t, i) => [t, 1 << i]));

/** The bit set of these event types (every type when `types` is undefined). */
export function typeMask(types?: readonly EventType[]): number {
  if (types === undefined) return (1 << EVENT_TYPES.length) - 1;
  let mask = 0;
  for (const t of types) mask |= BIT.get(t)!;
  return mask;
}

/** Subject of a market's own events: mark prices, funding, listing and parameter changes. */
export function marketSubject(symbol: string): string {
  return `market:${symbol}`;
}

/** Subject of the exchange-wide risk events, listed by the ops console across accounts. */
export const EXCHANGE_SUBJECT = "exchange";

const MARKET_TYPES: ReadonlySet<string> = new Set<EventType>(["marketAdded", "marketUpdated", "markPrice", "funding"]);
const EXCHANGE_TYPES: ReadonlySet<string> = new Set<EventType>([
  "liquidationStarted",
  "liquidationFinished",
  "adl",
  "insurance",
  "backstop",
]);

/**
 * Subject of a reserved account's events in one asset ("@fees/USDC"). The fee account takes a
 * balance change on every fill and its readers want one asset's series, so reserved accounts are
 * indexed per asset (events without an asset under the account alone).
 */
export function reservedSubject(account: string, asset: string): string {
  return `${account}/${asset}`;
}

function accountSubject(account: string, e: EngineEvent): string {
  return isReservedAccount(account) && "asset" in e ? reservedSubject(account, e.asset) : account;
}

/** The subjects one entry's events concern, each with the bit set of its event types. */
export function subjectsOf(events: readonly EngineEvent[]): Map<string, number> {
  const out = new Map<string, number>();
  const add = (subject: string, bit: number) => out.set(subject, (out.get(subject) ?? 0) | bit);
  for (const e of events) {
    const bit = BIT.get(e.type)!;
    const c = eventColumns(e);
    if (c.account !== null) add(accountSubject(c.account, e), bit);
    if (c.counterparty !== null) add(accountSubject(c.counterparty, e), bit);
    if (c.market !== null && MARKET_TYPES.has(e.type)) add(marketSubject(c.market), bit);
    if (EXCHANGE_TYPES.has(e.type)) add(EXCHANGE_SUBJECT, bit);
  }
  return out;
}
