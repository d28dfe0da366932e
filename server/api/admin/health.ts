import { getEngineRuntime } from "../../engine/runtime";
import { health as healthService } from "../../services/admin-health";
import { operatorProcedure } from "../trpc";
import { chainDeps } from "./deps";
import { healthView } from "./schemas";

/** Engine sequence and journal lag, chain head and watcher lag, database, subscriptions connected. */
export const health = operatorProcedure.output(healthView).query(async () => {
  const rt = getEngineRuntime();
  const chain = await chainDeps();
  return healthService({ db: rt.db, client: chain?.client ?? null });
});
