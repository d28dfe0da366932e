import { z } from "zod";
import { userDetail } from "../../../services/admin-users";
import { operatorProcedure } from "../../trpc";
import { address, riskRow, role } from "../schemas";
import { balanceSchema, openOrderSchema, positionSchema } from "../../account/schemas";

/** One address: user row (roles, suspension), balances, positions, resting orders, margin, channels. */
export const detail = operatorProcedure
  .input(z.object({ address }))
  .output(
    z.object({
      address: z.string(),
      user: z
        .object({
          roles: z.array(role),
          suspendedAt: z.date().nullable(),
          suspendReason: z.string().nullable(),
          createdAt: z.date(),
        })
        .nullable(),
      suspendedInEngine: z.boolean(),
      balances: z.array(balanceSchema),
      positions: z.array(positionSchema),
      orders: z.array(openOrderSchema),
      risk: z.array(riskRow),
      channels: z.array(
        z.object({
          id: z.string(),
          status: z.string(),
          latestVersion: z.bigint(),
          coSignedVersion: z.bigint().nullable(),
          onChainVersion: z.bigint().nullable(),
          funding: z.array(z.object({ token: z.string(), total: z.bigint() })),
          needsTopUp: z.boolean(),
          pendingOp: z.string().nullable(),
          alert: z.string().nullable(),
          updatedAt: z.date(),
        }),
      ),
    }),
  )
  .query(({ ctx, input }) => {
    const rt = ctx.services.engine;
    return userDetail(rt, rt.db, input.address);
  });
