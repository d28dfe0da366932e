import { z } from "zod";
import { getEngineRuntime } from "../../../engine/runtime";
import { adminMarkets } from "../../../services/admin-markets";
import { operatorProcedure } from "../../trpc";
import { adminMarketRow } from "../schemas";

/** Every market with its parameters, status (database and engine), prices, resting orders and open interest. */
export const list = operatorProcedure.output(z.array(adminMarketRow)).query(() => {
  const rt = getEngineRuntime();
  return adminMarkets(rt, rt.db);
});
