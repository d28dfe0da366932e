import { z } from "zod";
import { trades as tradesService } from "../../services/market-data";
import { publicProcedure } from "../trpc";
import { tradeSchema } from "./schemas";

/** Recent trades, newest first. */
export const trades = publicProcedure
  .input(z.object({ market: z.string().min(1).max(32), limit: z.number().int().min(1).max(500).default(50) }))
  .output(z.array(tradeSchema))
  .query(({ ctx, input }) =>
    tradesService(ctx.services.engine, ctx.services.engine.db, input.market, { limit: input.limit }),
  );
