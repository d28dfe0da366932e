import { z } from "zod";
import { challenges as list } from "../../../services/admin-channels";
import { operatorProcedure } from "../../trpc";
import { openChallenge } from "../schemas";

/** Open challenges with their deadlines (and the chain's time), and what the watchtower did about each. */
export const challenges = operatorProcedure
  .output(
    z.object({
      chainTime: z.bigint().nullable(),
      open: z.array(openChallenge),
      watchtower: z
        .object({ running: z.boolean(), lastRoundAt: z.date().nullable(), lastError: z.string().nullable() })
        .nullable(),
      actions: z.array(
        z.object({
          channelId: z.string(),
          challengedVersion: z.bigint(),
          challengeDeadline: z.bigint(),
          challenger: z.string(),
          outcome: z.string(),
          answeredVersion: z.bigint().nullable(),
          method: z.string().nullable(),
          txHash: z.string().nullable(),
          /** the exchange's own conclude() of the expired challenge */
          concludeTxHash: z.string().nullable(),
          reason: z.string().nullable(),
          attempts: z.number(),
          lastError: z.string().nullable(),
          updatedAt: z.date(),
        }),
      ),
    }),
  )
  .query(async ({ ctx }) => list(ctx.services.db, ctx.services.chain?.client ?? null, ctx.services.watchtower));
