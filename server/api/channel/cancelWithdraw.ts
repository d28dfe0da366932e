import { channels } from "../../services/channels";
import { authedProcedure } from "../trpc";
import { pendingRequestSchema } from "./schemas";

/**
 * Cancels a partial withdrawal the trader has not co-signed: returns the replacement state to
 * co-sign; the service registers it on-chain and the funds come back once the chain shows it.
 */
export const cancelWithdraw = authedProcedure
  .output(pendingRequestSchema)
  .mutation(({ ctx }) => channels().cancelWithdraw(ctx.session.address));
