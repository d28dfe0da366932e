import { chainOf } from "../../chain";
import { z } from "zod";
import { forceCheckpoint } from "../../../services/admin-channels";
import { adminProcedure } from "../../trpc";
import { auditId } from "../schemas";

/** Register a channel's newest co-signed OPERATE state on-chain (custody.checkpoint) with the exchange's key; waits for the receipt. Audited. */
export const checkpoint = adminProcedure
  .input(z.object({ channelId: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a channel id: 0x and 64 hex digits") }))
  .output(z.object({ channelId: z.string(), version: z.bigint(), txHash: z.string(), auditId }))
  .mutation(async ({ ctx, input }) =>
    forceCheckpoint(ctx.services.engine.db, ctx.session.address, input.channelId, {
      ...chainOf(ctx),
      custody: chainOf(ctx).deployment.custody,
    }),
  );
