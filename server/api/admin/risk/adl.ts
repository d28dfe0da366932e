import { z } from "zod";
import { adlEvents } from "../../../services/admin-risk";
import { operatorProcedure } from "../../trpc";
import { limit } from "../schemas";

/** Auto-deleveraging events, newest first: who was closed against whom, size and price. */
export const adl = operatorProcedure
  .input(z.object({ limit: limit(500, 100) }))
  .output(
    z.array(
      z.object({
        seq: z.bigint(),
        timeMs: z.bigint(),
        market: z.string(),
        account: z.string(),
        counterparty: z.string(),
        size: z.bigint(),
        price: z.bigint(),
      }),
    ),
  )
  .query(({ ctx, input }) => {
    const rt = ctx.services.engine;
    return adlEvents(rt, rt.db, input.limit);
  });
