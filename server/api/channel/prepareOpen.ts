import { channelsOf } from "../chain";
import { z } from "zod";
import { authedProcedure } from "../trpc";
import { addressSchema, amountSchema, hash32Schema, stateSchema, typedDataSchema } from "./schemas";

/** More than the deployment's tokens is refused by the service anyway; this bounds the work before it looks. */
const MAX_DEPOSIT_TOKENS = 16;

/** Prepares a new channel for the signed-in trader: the exchange-signed INITIALIZE state and the depositAndOpen call to make. */
export const prepareOpen = authedProcedure
  .input(
    z.object({
      deposits: z
        .array(z.object({ token: addressSchema, amount: amountSchema }))
        .min(1, "deposit at least one token")
        .max(MAX_DEPOSIT_TOKENS, `at most ${MAX_DEPOSIT_TOKENS} tokens per channel`),
    }),
  )
  .output(
    z.object({
      channelId: hash32Schema,
      nonce: z.bigint(),
      state: stateSchema,
      exchangeSignature: z.string(),
      typedData: typedDataSchema,
      depositAndOpen: z.object({
        custody: z.string(),
        trader: z.string(),
        nonce: z.bigint(),
        approvals: z.array(z.object({ token: z.string(), amount: z.bigint() })),
      }),
    }),
  )
  .mutation(({ ctx, input }) => channelsOf(ctx).prepareOpen(ctx.session.address, input.deposits));
