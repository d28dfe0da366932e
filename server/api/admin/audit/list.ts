import { z } from "zod";
import { auditLog } from "../../../services/admin-audit";
import { operatorProcedure } from "../../trpc";
import { limit } from "../schemas";

/** The audit log, newest first, filterable by actor, action (exact or "prefix."), target and time; paged by id. Read-only. */
export const list = operatorProcedure
  .input(
    z.object({
      actor: z.string().max(64).optional(),
      action: z.string().max(64).optional(),
      target: z.string().max(80).optional(),
      from: z.date().optional(),
      to: z.date().optional(),
      before: z.bigint().positive().optional(),
      limit: limit(500, 100),
    }),
  )
  .output(
    z.object({
      rows: z.array(
        z.object({
          id: z.bigint(),
          actor: z.string(),
          action: z.string(),
          target: z.string(),
          before: z.unknown(),
          after: z.unknown(),
          createdAt: z.date(),
        }),
      ),
      nextBefore: z.bigint().nullable(),
      actions: z.array(z.string()),
    }),
  )
  .query(({ ctx, input }) => auditLog(ctx.services.engine.db, input));
