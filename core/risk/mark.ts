import { BPS, clamp, mulDivDown } from "../money/math";

/**
 * Mark price from the index and the book: the median of index, best bid and best ask (a
 * missing side counts as the index), held within `bandBps` of the index, so a spike on a
 * thin book moves the mark only inside the band (SECURITY attack 13).
 */
export function boundedMark(
  indexPerLot: bigint,
  bidPerLot: bigint | null,
  askPerLot: bigint | null,
  bandBps: bigint,
): bigint {
  const a = indexPerLot;
  const b = bidPerLot ?? indexPerLot;
  const c = askPerLot ?? indexPerLot;
  const median = a > b ? (b > c ? b : a > c ? c : a) : a > c ? a : b > c ? c : b;
  const band = mulDivDown(indexPerLot, bandBps, BPS);
  return clamp(median, indexPerLot - band, indexPerLot + band);
}
