import { z } from "zod";
import { priceHistory } from "../../../services/admin-prices";
import { operatorProcedure } from "../../trpc";
import { limit, marketSymbol } from "../schemas";

/** A market's index and mark prices over time (the journal's markPrice events), oldest first, with each one's origin (feed / admin). */
export const history = operatorProcedure
  .input(z.object({ market: marketSymbol, limit: limit(5_000, 500), sinceMs: z.bigint().optional() }))
  .output(
    z.array(z.object({ seq: z.bigint(), timeMs: z.bigint(), index: z.bigint(), mark: z.bigint(), origin: z.string() })),
  )
  .query(({ ctx, input }) => {
    const rt = ctx.services.engine;
    return priceHistory(rt, rt.db, input.market, input.limit, input.sinceMs);
  });
