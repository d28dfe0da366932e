import { tracked } from "@trpc/server";
import { z } from "zod";
import { getFeedHub, type BookUpdate } from "../../engine/feed-hub";
import { priceFromPerLotDown } from "../../engine/market-config";
import { getEngineRuntime } from "../../engine/runtime";
import { publicProcedure } from "../trpc";
import { levels } from "../markets/schemas";
import { closeOnAbort } from "./util";

const bookUpdate = z.object({ kind: z.enum(["snapshot", "diff"]), market: z.string(), seq: z.bigint(), timeMs: z.bigint(), bids: levels, asks: levels });

/**
 * The hub pushes ONE update object to every subscriber of a market: convert and validate it
 * once, not once per subscriber (with 1,000 subscribers that was 1,000 conversions per 100 ms).
 */
const wire = new WeakMap<BookUpdate, z.infer<typeof bookUpdate>>();

/**
 * A market's book: a full snapshot first (also after every reconnect — a book is state, not a
 * log, so resuming means a new snapshot), then diffs batched every 100 ms ([price per whole
 * token, size]; size 0 removes the level). Ids are the journal seq the update reflects;
 * `timeMs` is the server's clock when the update was produced (clients can measure delivery).
 */
export const book = publicProcedure
  .input(z.object({ market: z.string().min(1).max(32), lastEventId: z.string().max(40).nullish() }))
  .subscription(async function* ({ input, signal }) {
    const rt = getEngineRuntime();
    const m = rt.market(input.market);
    if (m === null) return;
    const q = getFeedHub(rt).book(input.market);
    closeOnAbort(signal, q);
    const conv = (rows: [bigint, bigint][]) => rows.map(([p, s]) => [priceFromPerLotDown(m, p), s] as [bigint, bigint]);
    let n = 0;
    try {
      for await (const u of q) {
        let out = wire.get(u);
        if (out === undefined) wire.set(u, (out = bookUpdate.parse({ ...u, bids: conv(u.bids), asks: conv(u.asks) })));
        yield tracked(`${u.seq}:${n++}`, out);
      }
    } finally {
      q.close();
    }
  });
