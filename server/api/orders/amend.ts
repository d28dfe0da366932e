import { z } from "zod";
import { amendOrderWire } from "../../services/order-wire";
import { orderProcedure } from "../trpc";
import { idempotencyKey, orderId, orderResultSchema, positiveAmount, price } from "./schemas";

/** Change a resting order's price and/or remaining size (a size decrease keeps priority). */
export const amend = orderProcedure("orders.amend")
  .input(
    z
      .object({ idempotencyKey, orderId, price: price.optional(), size: positiveAmount.optional() })
      .refine((o) => o.price !== undefined || o.size !== undefined, { message: "give price or size" }),
  )
  .output(orderResultSchema)
  .mutation(({ ctx, input }) => amendOrderWire(ctx.services.engine, ctx.session.address, input));
