/**
 * The risk factor f of an asset from the exchange's daily price history (seed 002): a quantile
 * (the median by default) of the absolute day-over-day change over a horizon (365 days by
 * default). A median is exceeded on half the days, so a higher quantile may be configured.
 * Where the history is shorter than the horizon, the caller's default (seed 002's table) is used.
 */
import { mulDivUp } from "../money/math";
import { clearingInputError } from "./errors";
import { PPM } from "./pricing";
import { MEDIAN_PPM, quantileUp } from "./quantile";

/** How f is computed; every field optional but the fallback. */
export interface RiskFactorOptions {
  /** the f to use when the history is short, ppm (e.g. DEFAULT_RISK_FACTORS_PPM.BTC) */
  defaultPpm: bigint;
  /** which quantile of the daily changes, ppm; 500_000 (the median) by default */
  quantilePpm?: bigint;
  /** how many daily changes to look back over; 365 by default */
  horizonDays?: number;
}

/** f, where it came from, and the sample it was read from (sorted, for a chart). */
export interface RiskFactor {
  factorPpm: bigint;
  source: "history" | "default";
  quantilePpm: bigint;
  horizonDays: number;
  /** the absolute daily changes (ppm, ascending) of the last horizon days, or all there were when short */
  distributionPpm: bigint[];
}

/** A year of daily changes (seed 002: "over the last year"). */
export const DEFAULT_HORIZON_DAYS = 365;

/** |p₁ − p₀| / p₀ in ppm, rounded up (a larger f is the conservative side); p₀ must be positive. */
export function absoluteChangePpm(previousE18: bigint, currentE18: bigint): bigint {
  if (previousE18 <= 0n || currentE18 <= 0n)
    throw clearingInputError("CLEARING_PRICE_NOT_POSITIVE", "daily prices must be positive", {
      previousE18,
      currentE18,
    });
  const change = currentE18 > previousE18 ? currentE18 - previousE18 : previousE18 - currentE18;
  return mulDivUp(change, PPM, previousE18);
}

/**
 * f from daily closes (USD ×1e18, oldest first, one per day): the quantile of the last
 * horizonDays absolute changes, capped at 100% so 1 − f stays ≥ 0; the default when fewer
 * than horizonDays changes exist.
 */
export function riskFactorFromHistory(dailyCloseUsdE18: readonly bigint[], options: RiskFactorOptions): RiskFactor {
  const quantilePpm = options.quantilePpm ?? MEDIAN_PPM;
  const horizonDays = options.horizonDays ?? DEFAULT_HORIZON_DAYS;
  if (!Number.isInteger(horizonDays) || horizonDays < 1)
    throw clearingInputError("CLEARING_OUT_OF_RANGE", "the horizon is a whole number of days >= 1", { horizonDays });
  if (options.defaultPpm < 0n || options.defaultPpm > PPM)
    throw clearingInputError("CLEARING_OUT_OF_RANGE", "a risk factor is 0..1e6 ppm", {
      defaultPpm: options.defaultPpm,
    });
  const window = dailyCloseUsdE18.slice(Math.max(0, dailyCloseUsdE18.length - (horizonDays + 1)));
  const distributionPpm: bigint[] = [];
  for (let i = 1; i < window.length; i++) distributionPpm.push(absoluteChangePpm(window[i - 1]!, window[i]!));
  distributionPpm.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  if (distributionPpm.length < horizonDays)
    return { factorPpm: options.defaultPpm, source: "default", quantilePpm, horizonDays, distributionPpm };
  const quantile = quantileUp(distributionPpm, quantilePpm);
  return {
    factorPpm: quantile > PPM ? PPM : quantile,
    source: "history",
    quantilePpm,
    horizonDays,
    distributionPpm,
  };
}
