import { z } from "zod";
import { marketSummaries } from "../../services/market-data";
import { publicProcedure } from "../trpc";
import { marketViewSchema } from "./schemas";

/** Every market: parameters (integer base units as bigint), last/mark/index price per whole token, 24 h change and volume. */
export const list = publicProcedure
  .output(
    z.array(
      marketViewSchema.extend({
        lastPrice: z.bigint().nullable(),
        markPrice: z.bigint().nullable(),
        indexPrice: z.bigint().nullable(),
        change24h: z.bigint().nullable(),
        volume24h: z.bigint(),
      }),
    ),
  )
  .query(({ ctx }) => {
    const rt = ctx.services.engine;
    return marketSummaries(rt.db, rt, Date.now());
  });
