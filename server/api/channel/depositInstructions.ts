import { channelsOf } from "../chain";
import { z } from "zod";
import { publicProcedure } from "../trpc";

/** Where and what to deposit: chain id, custody contract, exchange, tokens with decimals, the coverage policy. */
export const depositInstructions = publicProcedure
  .output(
    z.object({
      chainId: z.number(),
      custody: z.string(),
      exchange: z.string(),
      tokens: z.array(z.object({ symbol: z.string(), address: z.string(), decimals: z.number() })),
      coverageBps: z.bigint(),
    }),
  )
  .query(({ ctx }) => channelsOf(ctx).depositInstructions());
