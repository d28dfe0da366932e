import { z } from "zod";
import { candles as candlesService } from "../../services/market-data";
import { publicProcedure } from "../trpc";
import { candlesSchema } from "./schemas";

export const CANDLE_INTERVALS_SEC = [60, 300, 900, 3600, 14_400, 86_400] as const;
const MAX_CANDLES = 1_000;

/** OHLCV candles from fills, oldest first, as compact tuples (market-wire.ts). Defaults to the last 500 intervals. */
export const candles = publicProcedure
  .input(
    z
      .object({
        market: z.string().min(1).max(32),
        intervalSec: z
          .number()
          .int()
          .refine(
            (s) => (CANDLE_INTERVALS_SEC as readonly number[]).includes(s),
            `intervalSec: one of ${CANDLE_INTERVALS_SEC.join(", ")}`,
          ),
        fromMs: z.bigint().nonnegative().optional(),
        toMs: z.bigint().positive().optional(),
      })
      .refine((i) => i.fromMs === undefined || i.toMs === undefined || i.fromMs < i.toMs, "fromMs must be before toMs"),
  )
  .output(candlesSchema)
  .query(({ ctx, input }) => {
    const span = BigInt(input.intervalSec) * 1000n;
    const to = input.toMs ?? BigInt(Date.now()) + 1n;
    let from = input.fromMs ?? to - span * 500n;
    if ((to - from) / span > BigInt(MAX_CANDLES)) from = to - span * BigInt(MAX_CANDLES);
    return candlesService(ctx.services.engine, ctx.services.engine.db, input.market, input.intervalSec, from, to);
  });
