import { channelsOf } from "../chain";
import { authedProcedure, idempotent } from "../trpc";
import { keyOnlyInput, pendingRequestSchema } from "./schemas";

/**
 * Cancels a cooperative close the trader has not co-signed: returns the replacement state to
 * co-sign; the service registers it on-chain, and the balance comes back (the channel is ACTIVE
 * again) once the chain shows it.
 */
export const cancelClose = authedProcedure
  .use(idempotent("channel.cancelClose"))
  .input(keyOnlyInput)
  .output(pendingRequestSchema)
  .mutation(({ ctx }) => channelsOf(ctx).cancelClose(ctx.session.address));
