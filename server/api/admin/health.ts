import { health as healthService } from "../../services/admin-health";
import { operatorProcedure } from "../trpc";
import { healthView } from "./schemas";

/** Engine sequence and journal lag, chain head and watcher lag, database, subscriptions connected. */
export const health = operatorProcedure.output(healthView).query(async ({ ctx }) => {
  return healthService(ctx.services);
});
