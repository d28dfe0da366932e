/**
 * Prices and ranking for the liquidation waterfall (orchestrated by core/engine/liquidate.ts).
 */
import { abs, divDown, divUp, max, min, mulDivDown } from "../money/math";

/**
 * Worst price at which `lots` (signed position) may be closed so that the account's final
 * deficit is at most `insuranceQuote`, given `restEquityQuote` = balance + value of its other
 * positions. A long sells at no less than the result (rounded up); a short buys at no more
 * (rounded down). Both roundings protect the insurance fund.
 */
export function insuredClosePrice(lots: bigint, restEquityQuote: bigint, insuranceQuote: bigint): bigint {
  if (lots > 0n) return divUp(-restEquityQuote - insuranceQuote, lots);
  return divDown(restEquityQuote + insuranceQuote, -lots);
}

/**
 * Price at which auto-deleveraging closes a bankrupt position against its counterparties:
 * the mark while the insurance fund can cover the loss, beyond it (worse for the
 * counterparties) only for the part the fund cannot cover. Never below one unit.
 */
export function deleveragePrice(
  lots: bigint,
  markPerLot: bigint,
  restEquityQuote: bigint,
  insuranceQuote: bigint,
): bigint {
  const insured = insuredClosePrice(lots, restEquityQuote, insuranceQuote);
  const price = lots > 0n ? max(markPerLot, insured) : min(markPerLot, insured);
  return price > 0n ? price : 1n;
}

/**
 * ADL rank of a counterparty position: profit ratio times effective leverage, scaled by 1e12;
 * higher is deleveraged first (the most profitable, most leveraged positions).
 */
export function deleverageScore(lots: bigint, entryQuote: bigint, markPerLot: bigint, equityQuote: bigint): bigint {
  const notional = abs(lots) * markPerLot;
  const pnl = lots * markPerLot - entryQuote;
  const cost = abs(entryQuote) > 0n ? abs(entryQuote) : 1n;
  const profitRatioE6 = mulDivDown(pnl, 1_000_000n, cost);
  const leverageE6 = mulDivDown(notional, 1_000_000n, equityQuote > 0n ? equityQuote : 1n);
  return profitRatioE6 * leverageE6;
}
