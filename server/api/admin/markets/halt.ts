import { z } from "zod";
import { setMarketHalted } from "../../../services/admin-markets";
import { adminProcedure } from "../../trpc";
import { auditId, marketSymbol, reason } from "../schemas";

/** Halt a market: new orders, amendments and cancels are refused with "market X is halted"; nothing is cancelled. Audited. */
export const halt = adminProcedure
  .input(z.object({ market: marketSymbol, reason }))
  .output(z.object({ market: z.string(), status: z.enum(["ACTIVE", "HALTED"]), restingOrders: z.number(), auditId }))
  .mutation(({ ctx, input }) =>
    setMarketHalted(ctx.services.engine, ctx.session.address, input.market, true, input.reason),
  );
