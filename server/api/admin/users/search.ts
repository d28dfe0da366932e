import { z } from "zod";
import { searchUsers } from "../../../services/admin-users";
import { operatorProcedure } from "../../trpc";
import { limit, role } from "../schemas";

/** Users whose address contains the query (case-insensitive); empty = the newest. */
export const search = operatorProcedure
  .input(z.object({ query: z.string().max(42).default(""), limit: limit(200, 50) }))
  .output(
    z.array(
      z.object({
        address: z.string(),
        roles: z.array(role),
        suspendedAt: z.date().nullable(),
        suspendReason: z.string().nullable(),
        createdAt: z.date(),
        channels: z.number(),
      }),
    ),
  )
  .query(({ ctx, input }) => searchUsers(ctx.services.engine.db, input.query, input.limit));
