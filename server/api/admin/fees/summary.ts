import { z } from "zod";
import { FEE_ACCOUNT, feesByMarket, reservedBalanceSeries } from "../../../services/admin-risk";
import { operatorProcedure } from "../../trpc";

/**
 * Fees collected: per market (in its quote asset) per time bucket from the fills, and the fee
 * account's balance per asset over time.
 * Withdrawing from the exchange's custody account: admin.fees.withdrawable / withdraw.
 */
export const summary = operatorProcedure
  .input(
    z.object({
      bucketSec: z
        .number()
        .int()
        .min(60)
        .max(86_400 * 7)
        .default(3_600),
      sinceMs: z.bigint().optional(),
    }),
  )
  .output(
    z.object({
      buckets: z.array(
        z.object({
          market: z.string(),
          asset: z.string(),
          decimals: z.number(),
          bucketMs: z.bigint(),
          fees: z.bigint(),
          fills: z.number(),
        }),
      ),
      account: z.array(
        z.object({
          asset: z.string(),
          decimals: z.number(),
          current: z.bigint(),
          points: z.array(
            z.object({
              seq: z.bigint(),
              timeMs: z.bigint(),
              balance: z.bigint(),
              delta: z.bigint(),
              reason: z.string(),
            }),
          ),
        }),
      ),
    }),
  )
  .query(async ({ ctx, input }) => {
    const rt = ctx.services.engine;
    const sinceMs = input.sinceMs ?? BigInt(Date.now() - 7 * 86_400_000);
    const [buckets, account] = await Promise.all([
      feesByMarket(rt, rt.db, { bucketSec: input.bucketSec, sinceMs }),
      reservedBalanceSeries(rt, rt.db, FEE_ACCOUNT, 2_000),
    ]);
    return { buckets, account };
  });
