import { z } from "zod";
import { channels } from "../../services/channels";
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
      alert: z.string().nullable(),
      submission: submissionSchema.nullable(),
    }),
  )
  .query(({ ctx, input }) => channels().status(ctx.session.address, input?.channelId));
