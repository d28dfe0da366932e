import { channelsOf } from "../chain";
import { authedProcedure } from "../trpc";
import { pendingRequestSchema } from "./schemas";

/** Cooperative close (positions and orders must be closed first): returns the CLOSE state to co-sign. */
export const requestClose = authedProcedure
  .output(pendingRequestSchema)
  .mutation(({ ctx }) => channelsOf(ctx).requestClose(ctx.session.address));
