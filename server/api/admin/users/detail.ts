import { z } from "zod";
import { userDetail } from "../../../services/admin-users";
import { operatorProcedure } from "../../trpc";
import { address, riskRow, role } from "../schemas";

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
      balances: z.array(
        z.object({ asset: z.string(), decimals: z.number(), available: z.bigint(), locked: z.bigint() }),
      ),
      positions: z.array(
        z.object({
          market: z.string(),
          size: z.bigint(),
          entryPrice: z.bigint(),
          markPrice: z.bigint().nullable(),
          liquidationPrice: z.bigint().nullable(),
          unrealizedPnlQuote: z.bigint(),
          realizedPnlQuote: z.bigint(),
          marginRatioBps: z.bigint().nullable(),
        }),
      ),
      orders: z.array(
        z.object({
          orderId: z.number(),
          market: z.string(),
          side: z.enum(["buy", "sell"]),
          price: z.bigint(),
          size: z.bigint(),
        }),
      ),
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
