import { channelsOf } from "../chain";
import { authedProcedure } from "../trpc";
import { pendingRequestSchema } from "./schemas";

/**
 * Cancels a partial withdrawal the trader has not co-signed: returns the replacement state to
 * co-sign; the service registers it on-chain and the funds come back once the chain shows it.
 */
export const cancelWithdraw = authedProcedure
  .output(pendingRequestSchema)
  .mutation(({ ctx }) => channelsOf(ctx).cancelWithdraw(ctx.session.address));
