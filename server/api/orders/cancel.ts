import { z } from "zod";
import { cancelOrderWire } from "../../services/order-wire";
import { orderProcedure } from "../trpc";
import { cancelResultSchema, idempotencyKey, orderId } from "./schemas";

/** Cancel a resting order or a pending stop / TP / SL. */
export const cancel = orderProcedure("orders.cancel")
  .input(z.object({ idempotencyKey, orderId }))
  .output(cancelResultSchema)
  .mutation(({ ctx, input }) => cancelOrderWire(ctx.services.engine, ctx.session.address, input));
