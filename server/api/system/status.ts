import { publicProcedure } from "../trpc";
import { systemStatus } from "../../services/system-status";

/** Chain, database and deployment status for the status panel. */
export const status = publicProcedure.query(({ ctx }) => systemStatus(ctx.services));
