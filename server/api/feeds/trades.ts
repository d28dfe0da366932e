import { tracked } from "@trpc/server";
import { z } from "zod";
import { parsePosition, positionAfter } from "../../engine/feed-hub";
import { tradeFromEvent, trades as tradesService } from "../../services/market-data";
import { publicProcedure } from "../trpc";
import { tradeSchema } from "../markets/schemas";
import { BACKFILL_LIMIT, closeOnAbort } from "./util";

/**
 * A market's trades as they commit. Tracked ids are journal positions "seq:idx": a client that
 * reconnects with lastEventId gets every trade after it from the database, then live ones,
 * with no gap and no duplicate.
 */
export const trades = publicProcedure
  .input(z.object({ market: z.string().min(1).max(32), lastEventId: z.string().max(40).nullish() }))
  .subscription(async function* ({ ctx, input, signal }) {
    const rt = ctx.services.engine;
    const m = rt.market(input.market);
    if (m === null) return;
    const live = ctx.services.feeds.trades(input.market); // attach before reading the database
    closeOnAbort(signal, live);
    let last = parsePosition(input.lastEventId);
    try {
      if (last !== null) {
        for (const t of await tradesService(rt, rt.db, input.market, { limit: BACKFILL_LIMIT, after: last })) {
          yield tracked(t.id, tradeSchema.parse(t));
          last = { seq: t.seq, idx: Number(t.id.split(":")[1]) };
        }
      }
      for await (const e of live) {
        if (e.event.type !== "fill" || !positionAfter(e, last)) continue;
        last = e;
        const t = tradeFromEvent(m, e.seq, e.idx, e.timeMs, e.event);
        yield tracked(t.id, tradeSchema.parse(t));
      }
    } finally {
      live.close();
    }
  });
