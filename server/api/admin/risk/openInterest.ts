import { z } from "zod";
import { openInterest as oi } from "../../../services/admin-risk";
import { operatorProcedure } from "../../trpc";

/** Per perpetual: total long size (= short size), its notional at the mark, and how many accounts hold positions. */
export const openInterest = operatorProcedure
  .output(
    z.array(
      z.object({
        market: z.string(),
        baseDecimals: z.number(),
        quoteDecimals: z.number(),
        openInterest: z.bigint(),
        notional: z.bigint().nullable(),
        accounts: z.number(),
      }),
    ),
  )
  .query(({ ctx }) => oi(ctx.services.engine));
