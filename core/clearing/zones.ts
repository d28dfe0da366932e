/**
 * Zones of a direction's risk on utilisation = stressed exposure / the debtor's collateral value,
 * in bps: green below orange; orange (refuse orders that add exposure, propose settlement); red
 * (cancel the debtor's open orders, force settlement); stop (also stop streaming the book).
 * The thresholds are fixed per channel in its version-0 app data.
 */
import { divUp } from "../money/math";
import type { Thresholds } from "./app-data-types";
import { clearingInputError } from "./errors";

export type Zone = "green" | "orange" | "red" | "stop";

/** 80% / 90% / 95% (BROKERS.md, "Risk"). */
export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze({ orangeBps: 8_000, redBps: 9_000, stopBps: 9_500 });

/** Throws unless each threshold is a uint16 and orange <= red <= stop. */
export function assertThresholds(t: Thresholds): void {
  for (const [field, value] of Object.entries(t))
    if (!Number.isInteger(value) || value < 0 || value > 0xffff)
      throw clearingInputError("CLEARING_OUT_OF_RANGE", `thresholds.${field} is not a uint16`, { field, value });
  if (!(t.orangeBps <= t.redBps && t.redBps <= t.stopBps))
    throw clearingInputError("CLEARING_THRESHOLDS_UNORDERED", "thresholds must satisfy orange <= red <= stop", {
      orangeBps: t.orangeBps,
      redBps: t.redBps,
      stopBps: t.stopBps,
    });
}

/**
 * exposure / collateral in bps, rounded up (a zone is entered no later than exactly); null when
 * the collateral is zero and the exposure positive (unbounded); 0 when there is no exposure.
 */
export function utilisationBps(exposureUsdE18: bigint, collateralUsdE18: bigint): bigint | null {
  if (exposureUsdE18 <= 0n) return 0n;
  if (collateralUsdE18 <= 0n) return null;
  return divUp(exposureUsdE18 * 10_000n, collateralUsdE18);
}

/** The zone of a utilisation (null = unbounded, which is stop). */
export function zoneOf(utilisation: bigint | null, thresholds: Thresholds): Zone {
  assertThresholds(thresholds);
  if (utilisation === null || utilisation >= BigInt(thresholds.stopBps)) return "stop";
  if (utilisation >= BigInt(thresholds.redBps)) return "red";
  if (utilisation >= BigInt(thresholds.orangeBps)) return "orange";
  return "green";
}

/** Severity order of the zones, for comparisons (green 0 … stop 3). */
export const ZONE_RANK: Readonly<Record<Zone, number>> = Object.freeze({ green: 0, orange: 1, red: 2, stop: 3 });
