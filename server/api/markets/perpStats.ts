import { perpStats as perpStatsService, perpStatsSchema } from "../../services/market-perp-stats";
import { publicProcedure } from "../trpc";

/** Every perpetual's funding rate (next payment, at the current mark and index), next funding time and open interest. */
export const perpStats = publicProcedure
  .output(perpStatsSchema.array())
  .query(({ ctx }) => perpStatsService(ctx.services.engine, Date.now()));
