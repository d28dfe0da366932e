import { z } from "zod";
import { releaseOpening as release } from "../../../services/admin-openings";
import { channelsOf } from "../../chain";
import { adminProcedure } from "../../trpc";
import { auditId, reason } from "../schemas";

/**
 * Release an OPENING channel nobody funded (SECURITY.md attack 16): the coverage its INITIALIZE
 * state promised is no longer reserved, its trader may prepare another channel. Audited
 * (`channel.release_opening`). A channel the contract already shows opened is refused.
 */
export const releaseOpening = adminProcedure
  .input(
    z.object({
      channelId: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a channel id: 0x and 64 hex digits"),
      reason,
    }),
  )
  .output(
    z.object({
      channelId: z.string(),
      trader: z.string(),
      released: z.array(z.object({ token: z.string(), amount: z.bigint() })),
      releasedAt: z.date(),
      auditId,
    }),
  )
  .mutation(({ ctx, input }) =>
    release(ctx.services.db, channelsOf(ctx), ctx.session.address, input.channelId, input.reason),
  );
