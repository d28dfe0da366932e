import { channelsOf } from "../chain";
import { authedProcedure, idempotent } from "../trpc";
import { keyOnlyInput, pendingRequestSchema } from "./schemas";

/**
 * Cancels a partial withdrawal the trader has not co-signed: returns the replacement state to
 * co-sign; the service registers it on-chain and the funds come back once the chain shows it.
 */
export const cancelWithdraw = authedProcedure
  .use(idempotent("channel.cancelWithdraw"))
  .input(keyOnlyInput)
  .output(pendingRequestSchema)
  .mutation(({ ctx }) => channelsOf(ctx).cancelWithdraw(ctx.session.address));
