import { z } from "zod";
import { fees as feesService } from "../../services/account";
import { tokenAmount } from "../../services/wire-units";
import { authedProcedure } from "../trpc";
import { pageInput } from "./schemas";

/** Fees paid (negative: rebates) in total per asset, and per fill, newest first. */
export const fees = authedProcedure
  .input(pageInput)
  .output(
    z.object({
      totals: z.array(z.object({ fee: tokenAmount })),
      fees: z.array(
        z.object({
          seq: z.bigint(),
          market: z.string(),
          role: z.enum(["maker", "taker"]),
          fee: tokenAmount,
          timeMs: z.bigint(),
        }),
      ),
      nextBefore: z.bigint().nullable(),
    }),
  )
  .query(({ ctx, input }) => feesService(ctx.services.engine, ctx.services.engine.db, ctx.session.address, input));
