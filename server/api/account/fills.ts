import { z } from "zod";
import { fills as fillsService } from "../../services/account";
import { authedProcedure } from "../trpc";
import { pageInput } from "./schemas";

export const fillSchema = z.object({
  seq: z.bigint(),
  market: z.string(),
  side: z.enum(["buy", "sell"]),
  role: z.enum(["maker", "taker"]),
  orderId: z.number().int(),
  price: z.bigint(),
  size: z.bigint(),
  notionalQuote: z.bigint(),
  feeQuote: z.bigint(),
  feeAsset: z.string(),
  liquidation: z.boolean(),
  timeMs: z.bigint(),
});

/** The trader's fills, newest first. */
export const fills = authedProcedure
  .input(pageInput)
  .output(z.object({ fills: z.array(fillSchema), nextBefore: z.bigint().nullable() }))
  .query(({ ctx, input }) => fillsService(ctx.services.engine, ctx.services.engine.db, ctx.session.address, input));
