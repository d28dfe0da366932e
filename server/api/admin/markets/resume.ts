import { z } from "zod";
import { setMarketHalted } from "../../../services/admin-markets";
import { adminProcedure } from "../../trpc";
import { auditId, marketSymbol, reason } from "../schemas";

/** Resume a halted market. Audited. */
export const resume = adminProcedure
  .input(z.object({ market: marketSymbol, reason }))
  .output(z.object({ market: z.string(), status: z.enum(["ACTIVE", "HALTED"]), restingOrders: z.number(), auditId }))
  .mutation(({ ctx, input }) =>
    setMarketHalted(ctx.services.engine, ctx.session.address, input.market, false, input.reason),
  );
