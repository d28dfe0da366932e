import { channelsOf } from "../chain";
import { z } from "zod";
import { authedProcedure, idempotent } from "../trpc";
import { hash32Schema, idempotencyKeyInput, signatureSchema, submissionSchema, versionSchema } from "./schemas";

/** Stores the trader's co-signature of a state after verifying it; may submit a pending resize or close on-chain. */
export const submitCoSignature = authedProcedure
  .use(idempotent("channel.submitCoSignature"))
  .input(
    z.object({
      idempotencyKey: idempotencyKeyInput,
      channelId: hash32Schema,
      version: versionSchema,
      signature: signatureSchema,
    }),
  )
  .output(
    z.object({
      coSignedVersion: z.bigint(),
      submittedTx: z.string().nullable(),
      submission: submissionSchema.nullable(),
    }),
  )
  .mutation(({ ctx, input }) =>
    channelsOf(ctx).submitCoSignature(ctx.session.address, input.channelId, input.version, input.signature),
  );
