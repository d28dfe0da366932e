import { z } from "zod";
import { priceSources } from "../../../services/admin-prices";
import { operatorProcedure } from "../../trpc";

/** Every market's index, mark and last price (per whole base token) and where its index comes from. */
export const sources = operatorProcedure
  .output(
    z.array(
      z.object({
        market: z.string(),
        kind: z.enum(["SPOT", "PERP"]),
        quoteDecimals: z.number(),
        index: z.bigint().nullable(),
        mark: z.bigint().nullable(),
        last: z.bigint().nullable(),
        source: z.enum(["simulated", "external", "none"]),
        description: z.string(),
        lastUpdate: z
          .object({ seq: z.bigint(), timeMs: z.bigint(), origin: z.string(), reason: z.string().nullable() })
          .nullable(),
      }),
    ),
  )
  .query(({ ctx }) => {
    const rt = ctx.services.engine;
    return priceSources(rt, ctx.services.db, ctx.services.markFeed);
  });
