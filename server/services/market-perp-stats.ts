/**
 * A perpetual's context for the market header: the funding rate the next payment would use at
 * the current mark and index (core/risk/funding.ts, per interval), when it is due, and the open
 * interest. Wire amounts out (wire-units.ts).
 */
import { z } from "zod";
import { fundingRatePips } from "../../core/risk/funding";
import type { EngineRuntime } from "../engine/runtime";
import { baseAmount, quoteAmount, tokenAmount } from "./wire-units";

export const PERP_STATS_VERSION = 1 as const;

export const perpStatsSchema = z.object({
  v: z.literal(PERP_STATS_VERSION),
  market: z.string(),
  /** per funding interval, in pips (1e-6); positive: longs pay shorts; null without mark and index */
  fundingRatePips: z.number().int().nullable(),
  fundingIntervalSec: z.number().int().nullable(),
  /** the next interval boundary (ms since epoch): when the next payment is made */
  nextFundingMs: z.number().int().nullable(),
  /** long size (= short size) over every account */
  openInterest: tokenAmount,
  /** open interest at the mark, rounded down; null without a mark */
  openInterestValue: tokenAmount.nullable(),
});
export type PerpStatsDto = z.infer<typeof perpStatsSchema>;

/** Funding and open interest of every perpetual, at `nowMs`. */
export function perpStats(rt: EngineRuntime, nowMs: number): PerpStatsDto[] {
  return rt
    .markets()
    .filter((m) => m.kind === "PERP")
    .map((m) => {
      const { prices, oiLots } = rt.read((ex) => ({
        prices: ex.prices(m.symbol),
        oiLots: ex.openInterestLots(m.symbol),
      }));
      const { markPerLot, indexPerLot } = prices;
      const rate =
        markPerLot !== null && indexPerLot !== null && indexPerLot > 0n && m.fundingCapPips !== null
          ? Number(fundingRatePips(markPerLot, indexPerLot, BigInt(m.fundingCapPips)))
          : null;
      const intervalMs = m.fundingIntervalSec === null ? null : m.fundingIntervalSec * 1000;
      return {
        v: PERP_STATS_VERSION,
        market: m.symbol,
        fundingRatePips: rate,
        fundingIntervalSec: m.fundingIntervalSec,
        // funding runs at epoch-aligned boundaries (server/engine/price-jobs.ts)
        nextFundingMs: intervalMs === null ? null : (Math.floor(nowMs / intervalMs) + 1) * intervalMs,
        openInterest: baseAmount(m, oiLots * m.lotSize),
        openInterestValue: markPerLot === null ? null : quoteAmount(m, oiLots * markPerLot),
      };
    });
}
