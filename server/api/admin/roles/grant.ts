import { z } from "zod";
import { changeRole } from "../../../services/admin-users";
import { adminProcedure } from "../../trpc";
import { address, auditId, managedRole, reason, role } from "../schemas";

/** Grant OPERATOR, ADMIN or BROKER; applies from the user's next request. Audited. */
export const grant = adminProcedure
  .input(z.object({ address, role: managedRole, reason }))
  .output(z.object({ address: z.string(), roles: z.array(role), auditId }))
  .mutation(({ ctx, input }) =>
    changeRole(ctx.services.engine.db, ctx.session.address, input.address, input.role, true, input.reason),
  );
