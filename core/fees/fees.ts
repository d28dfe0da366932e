import { mulDivDown, mulDivUp, PIPS } from "../money/math";

/**
 * Fee on a fill's notional at a rate in pips (1e-6). A positive rate is a charge rounded up
 * (never zero on a non-zero notional); a negative rate is a rebate rounded down, returned
 * negative. Both directions favour the exchange.
 */
export function feeForNotional(notionalQuote: bigint, ratePips: bigint): bigint {
  if (ratePips >= 0n) return mulDivUp(notionalQuote, ratePips, PIPS);
  return -mulDivDown(notionalQuote, -ratePips, PIPS);
}

/**
 * Quote a buy order must lock so that every fill of it, at any price up to its limit and
 * with the per-fill fee rounded up, is covered: notional + fee at the highest rate + 2 base
 * units per lot (each fill's ceiling adds less than one unit and a fill is at least one lot).
 */
export function buyLockQuote(lots: bigint, pricePerLot: bigint, maxRatePips: bigint): bigint {
  const notional = lots * pricePerLot;
  return notional + (maxRatePips > 0n ? mulDivUp(notional, maxRatePips, PIPS) : 0n) + 2n * lots;
}
