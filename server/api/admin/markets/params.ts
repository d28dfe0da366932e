/** Zod pieces of the parameter-change procedures (previewParams, updateParams): the Market table's units. */
import { z } from "zod";

const int = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what}: a whole number` })
    .int(`${what}: a whole number`)
    .min(min, `${what}: at least ${min}`)
    .max(max, `${what}: at most ${max}`)
    .optional();

/** The parameters that may change on a live market (never tick or lot size). Omitted = unchanged. */
export const paramsChange = {
  makerFeePips: int("maker fee (pips; negative = rebate)", -100_000, 100_000),
  takerFeePips: int("taker fee (pips)", 1, 100_000),
  minNotional: z
    .bigint({ error: "min notional: quote base units" })
    .nonnegative("min notional: not negative")
    .optional(),
  maxLeverage: int("max leverage", 1, 200),
  initialMarginBps: int("initial margin (bps)", 1, 10_000),
  maintenanceMarginBps: int("maintenance margin (bps)", 1, 9_999),
  liquidationFeePips: int("liquidation fee (pips)", 0, 100_000),
  fundingIntervalSec: int("funding interval (seconds)", 1, 86_400 * 7),
  fundingCapPips: int("funding cap (pips)", 0, 100_000),
  markBandBps: int("mark band (bps)", 0, 9_999),
};

export const paramsEffects = {
  changes: z.array(z.object({ field: z.string(), before: z.bigint(), after: z.bigint() })),
  liquidations: z.array(
    z.object({
      account: z.string(),
      asset: z.string(),
      equity: z.bigint(),
      maintenance: z.bigint(),
      equityAfter: z.bigint().nullable(),
    }),
  ),
  ordersCancelled: z.array(z.object({ orderId: z.number(), account: z.string(), market: z.string() })),
  events: z.number(),
};
