import { z } from "zod";
import { setTpSlWire } from "../../services/order-wire";
import { orderProcedure } from "../trpc";
import { idempotencyKey, marketSymbol, price, tpSlResultSchema } from "./schemas";

/** Set or clear (null) a perpetual position's take-profit and stop-loss (one cancels the other). */
export const setTpSl = orderProcedure("orders.setTpSl")
  .input(
    z.object({
      idempotencyKey,
      market: marketSymbol,
      takeProfit: price.nullable(),
      stopLoss: price.nullable(),
      slippageBps: z.bigint().min(1n).max(5_000n).optional(),
    }),
  )
  .output(tpSlResultSchema)
  .mutation(({ ctx, input }) => setTpSlWire(ctx.services.engine, ctx.session.address, input));
