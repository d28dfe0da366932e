/**
 * A quantile of a sorted bigint sample, interpolated linearly between the two nearest ranks
 * (Hyndman–Fan type 7, the default of R and NumPy), so the 50% quantile is the usual median:
 * the middle value, or the mean of the two middle values. The interpolation rounds up.
 */
import { divDown, divUp } from "../money/math";
import { clearingInputError } from "./errors";
import { PPM } from "./pricing";

/** The median as a quantile in ppm. */
export const MEDIAN_PPM = 500_000n;

/** The quantile q (ppm, 0..1e6) of an ascending, non-empty sample, rounded up. */
export function quantileUp(sortedAscending: readonly bigint[], quantilePpm: bigint): bigint {
  if (sortedAscending.length === 0)
    throw clearingInputError("CLEARING_OUT_OF_RANGE", "the quantile of an empty sample", { count: 0 });
  if (quantilePpm < 0n || quantilePpm > PPM)
    throw clearingInputError("CLEARING_OUT_OF_RANGE", "a quantile is 0..1e6 ppm", { quantilePpm });
  // rank h = (n − 1)·q, split into its whole part and a fraction in ppm
  const scaledRank = BigInt(sortedAscending.length - 1) * quantilePpm;
  const lowerRank = Number(divDown(scaledRank, PPM));
  const fractionPpm = scaledRank - BigInt(lowerRank) * PPM;
  const lower = sortedAscending[lowerRank]!;
  if (fractionPpm === 0n) return lower;
  const upper = sortedAscending[lowerRank + 1]!;
  return lower + divUp((upper - lower) * fractionPpm, PPM);
}
