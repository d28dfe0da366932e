import { z } from "zod";
import { fills as fillsService } from "../../services/account";
import { tokenAmount } from "../../services/wire-units";
import { authedProcedure } from "../trpc";
import { pageInput } from "./schemas";

export const fillSchema = z.object({
  seq: z.bigint(),
  market: z.string(),
  side: z.enum(["buy", "sell"]),
  role: z.enum(["maker", "taker"]),
  orderId: z.number().int(),
  price: tokenAmount,
  size: tokenAmount,
  notional: tokenAmount,
  /** positive paid, negative rebate */
  fee: tokenAmount,
  liquidation: z.boolean(),
  timeMs: z.bigint(),
});

/** The trader's fills, newest first. */
export const fills = authedProcedure
  .input(pageInput)
  .output(z.object({ fills: z.array(fillSchema), nextBefore: z.bigint().nullable() }))
  .query(({ ctx, input }) => fillsService(ctx.services.engine, ctx.services.engine.db, ctx.session.address, input));
