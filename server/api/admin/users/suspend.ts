import { z } from "zod";
import { setSuspended } from "../../../services/admin-users";
import { adminProcedure } from "../../trpc";
import { address, auditId, reason } from "../schemas";

/** Suspend an account's trading (it can still sign in, read and withdraw; resting orders stay). Audited with the reason. */
export const suspend = adminProcedure
  .input(z.object({ address, reason }))
  .output(z.object({ address: z.string(), suspendedAt: z.date().nullable(), auditId }))
  .mutation(({ ctx, input }) =>
    setSuspended(ctx.services.engine, ctx.session.address, input.address, true, input.reason),
  );
