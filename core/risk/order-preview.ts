/**
 * What an order will cost and ask of the account, computed by the same functions and with the
 * same rounding as the engine, so a form can show it before the order is sent: the fee of a
 * fill (core/fees) and a perpetual order's share of the pre-trade margin check
 * (core/engine/orders.ts `checkMargin`). Units are the engine's: lots and quote base units per lot.
 */
import { feeForNotional } from "../fees/fees";
import { BPS, max, mulDivUp } from "../money/math";
import { executionLoss, initialMarginBps } from "./margin";

/** Initial margin on a notional at a market's initial rate (at least 1 / maxLeverage), rounded up as `initialRequirement` rounds it. */
export function initialMarginUp(
  notionalQuote: bigint,
  params: { initialMarginBps: bigint; maxLeverage: bigint },
): bigint {
  return mulDivUp(notionalQuote, initialMarginBps(params), BPS);
}

export interface OrderMarginPreview {
  /** initial margin on the order's lots at the mark (rounded up) */
  initialMarginQuote: bigint;
  /** how far under water the order starts if it fills entirely at its limit, against the mark */
  executionLossQuote: bigint;
  /** the taker fee on the larger of limit and mark (rounded up), as the check reserves it */
  feeQuote: bigint;
  /** equity the check asks for: the three together */
  requiredQuote: bigint;
}

/**
 * A perpetual order's margin as `checkMargin` counts it when the order adds all its lots to the
 * account's larger side in the market (no position, or one the order extends; an order that
 * reduces a position asks for less). A reduce-only order asks only for the loss and the fee.
 */
export function orderMarginPreview(o: {
  isBuy: boolean;
  lots: bigint;
  limitPerLot: bigint;
  markPerLot: bigint;
  reduceOnly?: boolean;
  params: { initialMarginBps: bigint; maxLeverage: bigint; takerFeePips: bigint };
}): OrderMarginPreview {
  const initialMarginQuote = o.reduceOnly ? 0n : initialMarginUp(o.lots * o.markPerLot, o.params);
  const executionLossQuote = executionLoss(o.isBuy, o.lots, o.limitPerLot, o.markPerLot);
  const feeQuote = feeForNotional(o.lots * max(o.limitPerLot, o.markPerLot), o.params.takerFeePips);
  return {
    initialMarginQuote,
    executionLossQuote,
    feeQuote,
    requiredQuote: initialMarginQuote + executionLossQuote + feeQuote,
  };
}
