import { abs, clamp, mulDivDown, mulDivUp, PIPS } from "../money/math";

/**
 * Funding rate for one interval in pips: the premium (mark - index) / index, truncated
 * toward zero and capped at +/- capPips. Positive: longs pay shorts.
 */
export function fundingRatePips(markPerLot: bigint, indexPerLot: bigint, capPips: bigint): bigint {
  const premium = markPerLot - indexPerLot;
  const magnitude = mulDivDown(abs(premium), PIPS, indexPerLot);
  return clamp(premium < 0n ? -magnitude : magnitude, -capPips, capPips);
}

/**
 * Funding cash flow of one position (positive = receives). Payers round up and receivers
 * round down, so the payments never create money; the difference is dust for the insurance fund.
 */
export function fundingPayment(lots: bigint, markPerLot: bigint, ratePips: bigint): bigint {
  if (lots === 0n || ratePips === 0n) return 0n;
  const value = abs(lots) * markPerLot;
  const pays = lots > 0n === ratePips > 0n;
  return pays ? -mulDivUp(value, abs(ratePips), PIPS) : mulDivDown(value, abs(ratePips), PIPS);
}
