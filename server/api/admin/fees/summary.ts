import { z } from "zod";
import { getEngineRuntime } from "../../../engine/runtime";
import { FEE_ACCOUNT, feesByMarket, reservedBalanceSeries } from "../../../services/admin-risk";
import { operatorProcedure } from "../../trpc";

/**
 * Fees collected: per market (in its quote asset) per time bucket from the fills, and the fee
 * account's balance per asset over time. Withdrawal: see `withdrawal` (not offered, and why).
 */
export const summary = operatorProcedure
  .input(z.object({ bucketSec: z.number().int().min(60).max(86_400 * 7).default(3_600), sinceMs: z.bigint().optional() }))
  .output(
    z.object({
      buckets: z.array(z.object({ market: z.string(), asset: z.string(), decimals: z.number(), bucketMs: z.bigint(), fees: z.bigint(), fills: z.number() })),
      account: z.array(z.object({ asset: z.string(), decimals: z.number(), current: z.bigint(), points: z.array(z.object({ seq: z.bigint(), timeMs: z.bigint(), balance: z.bigint(), delta: z.bigint(), reason: z.string() })) })),
      withdrawal: z.object({ available: z.literal(false), why: z.string() }),
    }),
  )
  .query(async ({ input }) => {
    const rt = getEngineRuntime();
    const sinceMs = input.sinceMs ?? BigInt(Date.now() - 7 * 86_400_000);
    const [buckets, account] = await Promise.all([feesByMarket(rt, rt.db, { bucketSec: input.bucketSec, sinceMs }), reservedBalanceSeries(rt, rt.db, FEE_ACCOUNT, 2_000)]);
    return { buckets, account, withdrawal: { available: false as const, why: FEE_WITHDRAWAL_WHY } };
  });

export const FEE_WITHDRAWAL_WHY =
  "Fees are not a separate pile of tokens: each fee moves value from a trader's side to the exchange's side of that trader's channel, so the collected fees sit inside the channels' exchange allocations on-chain. They become the exchange's free custody balance only when channels are resized or closed; from there the exchange key can withdraw with custody.withdraw. The engine's @fees account is the ledger of what was earned, and debiting it without that on-chain movement would only break the books (SECURITY invariant 1: net deposits). So there is no 'withdraw fees' button; the exchange's free balance per token is shown under Channels → Coverage.";
