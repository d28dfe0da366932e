import { tracked } from "@trpc/server";
import { z } from "zod";
import { parsePosition, positionAfter } from "../../engine/feed-hub";
import { activityRowSchema, toActivityRow } from "../../services/account-activity";
import { eventsAfter } from "../../services/account";
import { authedProcedure } from "../trpc";
import { BACKFILL_LIMIT, closeOnAbort } from "./util";

/**
 * The signed-in trader's own activity as it commits (version-1 DTOs of account-activity.ts:
 * orders, fills, balances, positions, funding, triggers, liquidations; whole-token amounts, never
 * the other party's address). Tracked ids "seq:idx"; a reconnect with
 * lastEventId back-fills from the database first, without gaps or duplicates.
 */
export const account = authedProcedure
  .input(z.object({ lastEventId: z.string().max(40).nullish() }))
  .subscription(async function* ({ ctx, input, signal }) {
    const rt = ctx.services.engine;
    const me = ctx.session.address;
    const live = ctx.services.feeds.account(me); // attach before reading the database
    closeOnAbort(signal, live);
    let last = parsePosition(input.lastEventId);
    // units are read per event: a market listed while the feed is open brings its assets with it
    const view = (r: Parameters<typeof toActivityRow>[0]) => {
      const row = toActivityRow(r, me, rt);
      return row && tracked(`${r.seq}:${r.idx}`, activityRowSchema.parse(row));
    };
    try {
      if (last !== null) {
        for (const r of await eventsAfter(rt.db, me, last, BACKFILL_LIMIT)) {
          last = r;
          const out = view(r);
          if (out) yield out;
        }
      }
      for await (const e of live) {
        if (!positionAfter(e, last)) continue;
        last = e;
        const out = view(e);
        if (out) yield out;
      }
    } finally {
      live.close();
    }
  });
