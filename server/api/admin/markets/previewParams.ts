import { z } from "zod";
import { getEngineRuntime } from "../../../engine/runtime";
import { previewParams as preview } from "../../../services/admin-markets";
import { operatorProcedure } from "../../trpc";
import { marketSymbol } from "../schemas";

/** What a parameter change would do to open positions and resting orders. Changes nothing (the engine cannot change a live market's parameters: `notApplicableBecause`). */
export const previewParams = operatorProcedure
  .input(
    z.object({
      market: marketSymbol,
      initialMarginBps: z.number().int().min(1).max(10_000).optional(),
      maintenanceMarginBps: z.number().int().min(1).max(10_000).optional(),
      maxLeverage: z.number().int().min(1).max(200).optional(),
      makerFeePips: z.number().int().min(-100_000).max(100_000).optional(),
      takerFeePips: z.number().int().min(-100_000).max(100_000).optional(),
      minNotional: z.bigint().nonnegative().optional(),
    }),
  )
  .output(
    z.object({
      market: z.string(),
      valid: z.boolean(),
      invalidReason: z.string().nullable(),
      applicable: z.literal(false),
      notApplicableBecause: z.string(),
      positions: z.array(
        z.object({
          account: z.string(),
          size: z.bigint(),
          notional: z.bigint(),
          equity: z.bigint(),
          maintenanceNow: z.bigint(),
          maintenanceAfter: z.bigint(),
          initialNow: z.bigint(),
          initialAfter: z.bigint(),
          outcome: z.enum(["liquidated", "belowInitial", "ok"]),
        }),
      ),
      restingOrders: z.number(),
      ordersBelowMinNotional: z.number(),
    }),
  )
  .query(({ input }) => {
    const { market, ...change } = input;
    return preview(getEngineRuntime(), market, change);
  });
