import { z } from "zod";
import { cancelOrder } from "../../services/orders";
import { orderProcedure } from "../trpc";
import { idempotencyKey, orderId } from "./schemas";

/** Cancel a resting order or a pending stop / TP / SL. */
export const cancel = orderProcedure("orders.cancel")
  .input(z.object({ idempotencyKey, orderId }))
  .output(z.object({ seq: z.bigint(), orderId: z.number().int(), cancelled: z.literal(true) }))
  .mutation(({ ctx, input }) => cancelOrder(ctx.services.engine, ctx.session.address, input));
