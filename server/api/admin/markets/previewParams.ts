import { z } from "zod";
import { previewParams as preview } from "../../../services/admin-markets";
import { operatorProcedure } from "../../trpc";
import { marketSymbol } from "../schemas";
import { paramsChange, paramsEffects } from "./params";

/**
 * What a parameter change would do: the engine's updateMarket command run on a copy of the engine
 * (so the liquidations and cancellations named are exactly those updateParams causes on the same
 * state), with every open position's margins now and after. Changes nothing.
 */
export const previewParams = operatorProcedure
  .input(z.strictObject({ market: marketSymbol, ...paramsChange }))
  .output(
    z.object({
      market: z.string(),
      valid: z.boolean(),
      invalidCode: z.string().nullable(),
      invalidReason: z.string().nullable(),
      ...paramsEffects,
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
  .query(({ ctx, input }) => {
    const { market, ...change } = input;
    return preview(ctx.services.engine, market, change);
  });
