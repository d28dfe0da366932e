import { z } from "zod";
import { updateMarketParams } from "../../../services/admin-markets";
import { adminProcedure } from "../../trpc";
import { auditId, marketSymbol, reason } from "../schemas";
import { paramsChange, paramsEffects } from "./params";

/**
 * Change a live market's parameters (fees, min notional, leverage, margins, liquidation fee,
 * funding interval and cap, mark band; never tick or lot size). Journaled engine command first,
 * then the Market row and the audit record (before/after, reason) in one transaction. Answers
 * what happened: the accounts liquidated by the margin check and any cancelled spot buys.
 */
export const updateParams = adminProcedure
  .input(z.strictObject({ market: marketSymbol, ...paramsChange, reason }))
  .output(z.object({ market: z.string(), seq: z.bigint(), auditId, ...paramsEffects }))
  .mutation(({ ctx, input }) => {
    const { market, reason: why, ...change } = input;
    return updateMarketParams(ctx.services.engine, ctx.session.address, market, change, why);
  });
