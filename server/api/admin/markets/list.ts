import { z } from "zod";
import { adminMarkets } from "../../../services/admin-markets";
import { operatorProcedure } from "../../trpc";
import { adminMarketRow } from "../schemas";

/** Every market with its parameters, status (database and engine), prices, resting orders and open interest. */
export const list = operatorProcedure.output(z.array(adminMarketRow)).query(({ ctx }) => {
  const rt = ctx.services.engine;
  return adminMarkets(rt, rt.db);
});
