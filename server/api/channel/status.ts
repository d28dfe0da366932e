import { channelsOf } from "../chain";
import { z } from "zod";
import { TOP_UP_ALERT } from "../../channels/service";
import { authedProcedure } from "../trpc";
import { channelIdInput, submissionSchema } from "./schemas";

/** The trader's channel (the newest, or the one named): status, funding, versions, pending operation and its submission, alert. */
export const status = authedProcedure
  .input(channelIdInput)
  .output(
    z.object({
      channelId: z.string(),
      trader: z.string(),
      nonce: z.bigint(),
      status: z.enum(["OPENING", "ACTIVE", "CHALLENGED", "CLOSING", "CLOSED"]),
      funding: z.array(z.object({ token: z.string(), total: z.bigint() })),
      latestVersion: z.bigint(),
      coSignedVersion: z.bigint().nullable(),
      onChainVersion: z.bigint().nullable(),
      needsTopUp: z.boolean(),
      pendingOp: z.enum(["RESIZE", "CLOSE", "CANCEL"]).nullable(),
      pendingVersion: z.bigint().nullable(),
      /** a RESIZE is either the trader's withdrawal or the exchange topping up its side */
      pendingPurpose: z.enum(["WITHDRAWAL", "TOP_UP", "CLOSE", "CANCEL"]).nullable(),
      /** what the trader should know (the exchange's own funding shortfalls are for the ops console only) */
      alert: z.string().nullable(),
      submission: submissionSchema.nullable(),
    }),
  )
  .query(async ({ ctx, input }) => {
    const s = await channelsOf(ctx).status(ctx.session.address, input?.channelId);
    return { ...s, alert: s.alert?.startsWith(TOP_UP_ALERT) ? null : s.alert };
  });
