import { z } from "zod";
import { liquidations as list } from "../../../services/admin-risk";
import { operatorProcedure } from "../../trpc";
import { limit } from "../schemas";

/** Liquidations newest first, each with every step: cancels, the closing order and fills, ADL, insurance, backstop. */
export const liquidations = operatorProcedure
  .input(z.object({ limit: limit(200, 50), account: z.string().max(64).optional() }))
  .output(
    z.array(
      z.object({
        seq: z.bigint(),
        timeMs: z.bigint(),
        account: z.string(),
        asset: z.string(),
        decimals: z.number(),
        equityBefore: z.bigint(),
        maintenanceMargin: z.bigint(),
        equityAfter: z.bigint().nullable(),
        cause: z.string(),
        steps: z.array(
          z.object({ idx: z.number(), type: z.string(), market: z.string().nullable(), text: z.string() }),
        ),
        insuranceUsed: z.bigint(),
        backstop: z.bigint(),
        adl: z.number(),
      }),
    ),
  )
  .query(({ ctx, input }) => {
    const rt = ctx.services.engine;
    return list(rt, rt.db, input);
  });
