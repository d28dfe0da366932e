import { marketSummaries } from "../../services/market-data";
import { publicProcedure } from "../trpc";
import { marketSchema } from "./schemas";

/** Every market: the Market table's row (tick, lot, minimum notional as whole-token amounts) with last/mark/index price, 24 h change and volume. */
export const list = publicProcedure.output(marketSchema.array()).query(({ ctx }) => {
  const rt = ctx.services.engine;
  return marketSummaries(rt.db, rt, Date.now());
});
