import { tracked } from "@trpc/server";
import { z } from "zod";
import { parsePosition, positionAfter } from "../../engine/feed-hub";
import { eventsAfter } from "../../services/account";
import { authedProcedure } from "../trpc";
import { engineEvent } from "../account/schemas";
import { BACKFILL_LIMIT, closeOnAbort } from "./util";

const accountEvent = z.object({ seq: z.bigint(), idx: z.number().int(), timeMs: z.bigint(), event: engineEvent });

/**
 * The signed-in trader's own events as they commit: orders (accepted, amended, done), fills,
 * balances, positions, funding, triggers, liquidations. Tracked ids "seq:idx"; a reconnect with
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
    try {
      if (last !== null) {
        for (const r of await eventsAfter(rt.db, me, last, BACKFILL_LIMIT)) {
          last = r;
          yield tracked(
            `${r.seq}:${r.idx}`,
            accountEvent.parse({ seq: r.seq, idx: r.idx, timeMs: r.timeMs, event: r.event }),
          );
        }
      }
      for await (const e of live) {
        if (!positionAfter(e, last)) continue;
        last = e;
        yield tracked(`${e.seq}:${e.idx}`, accountEvent.parse(e));
      }
    } finally {
      live.close();
    }
  });
