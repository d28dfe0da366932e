import { z } from "zod";
import { setTpSl as setTpSlService } from "../../services/orders";
import { orderProcedure } from "../trpc";
import { idempotencyKey, marketSymbol, price } from "./schemas";

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
  .output(
    z.object({
      seq: z.bigint(),
      takeProfitOrderId: z.number().int().nullable(),
      stopLossOrderId: z.number().int().nullable(),
    }),
  )
  .mutation(({ ctx, input }) => setTpSlService(ctx.services.engine, ctx.session.address, input));
