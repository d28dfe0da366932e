import { z } from "zod";
import { setSuspended } from "../../../services/admin-users";
import { adminProcedure } from "../../trpc";
import { address, auditId, reason } from "../schemas";

/** Let a suspended account trade again. Audited with the reason. */
export const resume = adminProcedure
  .input(z.object({ address, reason }))
  .output(z.object({ address: z.string(), suspendedAt: z.date().nullable(), auditId }))
  .mutation(({ ctx, input }) =>
    setSuspended(ctx.services.engine, ctx.session.address, input.address, false, input.reason),
  );
