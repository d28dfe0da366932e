import { z } from "zod";
import { listRoleHolders } from "../../../services/admin-users";
import { operatorProcedure } from "../../trpc";
import { role } from "../schemas";

/** Everyone holding a role beyond TRADER. */
export const list = operatorProcedure
  .output(z.array(z.object({ address: z.string(), roles: z.array(role), createdAt: z.date() })))
  .query(({ ctx }) => listRoleHolders(ctx.services.engine.db));
