import { z } from "zod";
import { ACTIVITY_KINDS, activityRowSchema } from "../../services/account-activity";
import { activity } from "../../services/account";
import { authedProcedure } from "../trpc";
import { pageInput } from "./schemas";

/** The trader's activity (orders, fills, balances, positions, funding, triggers, liquidations) as version-1 DTOs, newest first, paged by journal seq. */
export const history = authedProcedure
  .input(pageInput.extend({ kinds: z.array(z.enum(ACTIVITY_KINDS)).max(ACTIVITY_KINDS.length).optional() }))
  .output(z.object({ rows: z.array(activityRowSchema), nextBefore: z.bigint().nullable() }))
  .query(({ ctx, input }) => activity(ctx.services.engine, ctx.session.address, input, input.kinds));
