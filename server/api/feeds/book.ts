import { tracked } from "@trpc/server";
import { z } from "zod";
import { type BookUpdate } from "../../engine/feed-hub";
import { bookUpdateDto } from "../../services/market-data";
import { bookUpdateSchema, type BookUpdateDto } from "../../services/market-wire";
import type { MarketView } from "../../services/markets";
import { publicProcedure } from "../trpc";
import { closeOnAbort } from "./util";

export type BookWire = BookUpdateDto;

export const bookInput = z.object({ market: z.string().min(1).max(32), lastEventId: z.string().max(40).nullish() });

/**
 * The hub pushes ONE update object to every subscriber of a market: convert and validate it
 * once, not once per subscriber (with 1,000 subscribers that was 1,000 conversions per 100 ms).
 */
const wire = new WeakMap<BookUpdate, BookWire>();

/** A hub update as subscribers see it (market-wire.ts: whole-token decimal strings, cached per update). */
export function bookWire(m: MarketView, u: BookUpdate): BookWire {
  let out = wire.get(u);
  if (out === undefined) wire.set(u, (out = bookUpdateSchema.parse(bookUpdateDto(m, u))));
  return out;
}

/** The event id of an update: the journal seq it reflects (a book is state: a reconnect gets a new snapshot, ids are not resumed from). */
export function bookEventId(u: BookUpdate): string {
  return `${u.seq}`;
}

/**
 * A market's book: a full snapshot first (also after every reconnect — a book is state, not a
 * log, so resuming means a new snapshot), then diffs batched every 100 ms (`[price, size]`
 * decimal strings with the symbols on the envelope; size "0" removes the level). Ids are the
 * journal seq the update reflects; `timeMs` is the server's clock when the update was produced
 * (clients can measure delivery).
 *
 * Over HTTP, server/http/book-stream.ts serves this same feed (same wire format, same
 * converter) and writes each update's bytes once for all subscribers; this procedure serves
 * server-side callers and tests.
 */
export const book = publicProcedure.input(bookInput).subscription(async function* ({ ctx, input, signal }) {
  const rt = ctx.services.engine;
  const m = rt.market(input.market);
  if (m === null) return;
  const q = ctx.services.feeds.book(input.market);
  closeOnAbort(signal, q);
  try {
    for await (const u of q) yield tracked(bookEventId(u), bookWire(m, u));
  } finally {
    q.close();
  }
});
