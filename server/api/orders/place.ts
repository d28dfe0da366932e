import { z } from "zod";
import { placeOrderWire } from "../../services/order-wire";
import { orderProcedure } from "../trpc";
import { idempotencyKey, marketSymbol, orderResultSchema, positiveAmount, price } from "./schemas";

export const placeInput = z
  .object({
    idempotencyKey,
    market: marketSymbol,
    side: z.enum(["buy", "sell"]),
    type: z.enum(["limit", "market", "stopLimit", "stopMarket"]),
    size: positiveAmount,
    price: price.optional(),
    worstPrice: price.optional(),
    triggerPrice: price.optional(),
    timeInForce: z.enum(["GTC", "IOC", "FOK"]).optional(),
    postOnly: z.boolean().optional(),
    reduceOnly: z.boolean().optional(),
    takeProfit: price.optional(),
    stopLoss: price.optional(),
    clientOrderId: z.string().max(64).optional(),
  })
  .refine((o) => (o.type === "limit" || o.type === "stopLimit" ? o.price !== undefined : o.worstPrice !== undefined), {
    message: "limit orders need price; market orders need worstPrice (the slippage bound)",
  })
  .refine((o) => !o.type.startsWith("stop") || o.triggerPrice !== undefined, {
    message: "stop orders need triggerPrice",
  });

/** Place an order of any kind the engine supports; answers once it is durable. */
export const place = orderProcedure("orders.place")
  .input(placeInput)
  .output(orderResultSchema)
  .mutation(({ ctx, input }) => placeOrderWire(ctx.services.engine, ctx.session.address, input));
