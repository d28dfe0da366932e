import { z } from "zod";
import { overrideMarkPrice } from "../../../services/admin-prices";
import { adminProcedure } from "../../trpc";

/**
 * Set a market's index price by hand: `price` is a decimal string in whole quote units per WHOLE
 * base token ("2400" or "2400.50" USDC per ETH). The engine derives the mark, fires triggers and
 * liquidates; the audit log records who, why, before and after.
 */
export const override = adminProcedure
  .input(
    z.object({
      market: z.string().min(1).max(32),
      price: z
        .string()
        .regex(/^\d+(\.\d+)?$/, "a decimal number of whole quote units per whole base token, like 2400 or 2400.50"),
      reason: z.string().trim().min(3, "say why (at least 3 characters)").max(500),
    }),
  )
  .output(
    z.object({
      market: z.string(),
      seq: z.bigint(),
      index: z.bigint(),
      mark: z.bigint(),
      liquidations: z.array(z.string()),
      auditId: z.bigint(),
    }),
  )
  .mutation(({ ctx, input }) => overrideMarkPrice(ctx.services.engine, ctx.session.address, input));
