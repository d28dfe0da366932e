import { z } from "zod";
import { getEngineRuntime } from "../../../engine/runtime";
import { challenges as list } from "../../../services/admin-channels";
import { operatorProcedure } from "../../trpc";
import { chainDeps } from "../deps";
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
  .query(async () => list(getEngineRuntime().db, (await chainDeps())?.client ?? null));
