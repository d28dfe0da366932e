import { chainOf, channelsOf } from "../../chain";
import { z } from "zod";
import { withdrawFees } from "../../../services/admin-fees";
import { adminProcedure } from "../../trpc";
import { address, auditId, reason } from "../schemas";

/**
 * Withdraw from the exchange's custody account (where collected fees land as channels resize or
 * close): `amount` in whole tokens ("125.5"), at most the free balance minus what channels being
 * opened reserve; custody.withdraw with the exchange key, receipt awaited, audited.
 */
export const withdraw = adminProcedure
  .input(
    z.object({
      token: address,
      amount: z
        .string()
        .trim()
        .regex(/^\d+(\.\d+)?$/, "a decimal number of whole tokens, like 125 or 125.5"),
      to: address,
      reason,
    }),
  )
  .output(
    z.object({
      token: z.string(),
      asset: z.string(),
      amount: z.bigint(),
      to: z.string(),
      txHash: z.string(),
      balanceBefore: z.bigint(),
      balanceAfter: z.bigint(),
      auditId,
    }),
  )
  .mutation(async ({ ctx, input }) =>
    withdrawFees(ctx.services.db, ctx.session.address, input, {
      ...chainOf(ctx),
      coverageLock: channelsOf(ctx).coverageLock,
    }),
  );
