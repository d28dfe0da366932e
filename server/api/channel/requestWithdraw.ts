import { channelsOf } from "../chain";
import { z } from "zod";
import { authedProcedure, idempotent } from "../trpc";
import { addressSchema, amountSchema, idempotencyKeyInput, pendingRequestSchema } from "./schemas";

/** Partial withdrawal: debits the engine now, returns the RESIZE state (and its predecessor if needed) to co-sign. */
export const requestWithdraw = authedProcedure
  .use(idempotent("channel.requestWithdraw"))
  .input(z.object({ idempotencyKey: idempotencyKeyInput, token: addressSchema, amount: amountSchema }))
  .output(pendingRequestSchema)
  .mutation(({ ctx, input }) => channelsOf(ctx).requestWithdraw(ctx.session.address, input.token, input.amount));
