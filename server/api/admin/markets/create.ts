import { z } from "zod";
import { createMarket } from "../../../services/admin-markets";
import { adminProcedure } from "../../trpc";
import { adminMarketRow, auditId, marketSymbol } from "../schemas";

const units = z.bigint().nonnegative();
const pips = z.number().int().min(-100_000).max(100_000);

/**
 * Create a spot or perpetual market (units: tickSize in quote base units per WHOLE base token,
 * lotSize in base-asset base units, minNotional in quote base units, fees in pips, margins in bps).
 * Validated as the engine will, stored with its audit record, then added to the running engine.
 */
export const create = adminProcedure
  .input(
    z.object({
      symbol: marketSymbol.regex(/^[A-Za-z0-9._/-]+$/, "letters, digits, . _ / -"),
      kind: z.enum(["SPOT", "PERP"]),
      baseAsset: z.string().min(1).max(16),
      quoteAsset: z.string().min(1).max(16),
      tickSize: units.positive(),
      lotSize: units.positive(),
      minNotional: units,
      maxLeverage: z.number().int().min(1).max(200),
      initialMarginBps: z.number().int().min(1).max(10_000),
      maintenanceMarginBps: z.number().int().min(1).max(10_000),
      makerFeePips: pips,
      takerFeePips: pips,
      fundingIntervalSec: z
        .number()
        .int()
        .min(1)
        .max(86_400 * 7)
        .nullable(),
      fundingCapPips: z.number().int().min(0).max(100_000).nullable(),
    }),
  )
  .output(z.object({ market: adminMarketRow.nullable(), auditId, addedToEngine: z.boolean() }))
  .mutation(({ ctx, input }) => createMarket(ctx.services.engine, ctx.session.address, input));
