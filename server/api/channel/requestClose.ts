import { channelsOf } from "../chain";
import { authedProcedure, idempotent } from "../trpc";
import { keyOnlyInput, pendingRequestSchema } from "./schemas";

/** Cooperative close (positions and orders must be closed first): returns the CLOSE state to co-sign. */
export const requestClose = authedProcedure
  .use(idempotent("channel.requestClose"))
  .input(keyOnlyInput)
  .output(pendingRequestSchema)
  .mutation(({ ctx }) => channelsOf(ctx).requestClose(ctx.session.address));
