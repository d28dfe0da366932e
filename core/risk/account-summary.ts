/**
 * A trader's cross-margin account summary in one settlement asset, and how large an order the
 * margin check (core/engine/orders.ts `checkMargin`) accepts. Units are the engine's: quote base
 * units, lots, quote per lot. Every rounding favours the exchange: what the trader may still use
 * rounds down, what is used and the leverage round up.
 */
import { abs, BPS, divDown, max, mulDivUp, PIPS } from "../money/math";
import { executionLoss, initialMarginBps } from "./margin";

/** The engine's figures of one account in one settlement asset (core/engine `Exchange.risk`). */
export interface AccountRiskInput {
  equityQuote: bigint;
  unrealizedPnlQuote: bigint;
  initialMarginQuote: bigint;
  maintenanceMarginQuote: bigint;
  withdrawableQuote: bigint;
  /** sum over positions of |lots| × mark per lot */
  positionNotionalQuote: bigint;
}

export interface AccountSummary {
  /** equity: balance plus every position at the mark */
  accountValueQuote: bigint;
  unrealizedPnlQuote: bigint;
  /** initial margin of the positions and open orders (rounded up) */
  marginUsedQuote: bigint;
  maintenanceMarginQuote: bigint;
  /** what new orders may use: account value − margin used, never negative */
  freeCollateralQuote: bigint;
  /** what may be withdrawn: unrealized gains left out, never negative */
  withdrawableQuote: bigint;
  /** position notional / account value in bps (10000 = 1×), rounded up; null without positive value */
  crossLeverageBps: bigint | null;
}

/** The summary from the engine's figures. */
export function accountSummary(r: AccountRiskInput): AccountSummary {
  const free = r.equityQuote - r.initialMarginQuote;
  return {
    accountValueQuote: r.equityQuote,
    unrealizedPnlQuote: r.unrealizedPnlQuote,
    marginUsedQuote: r.initialMarginQuote,
    maintenanceMarginQuote: r.maintenanceMarginQuote,
    freeCollateralQuote: max(free, 0n),
    withdrawableQuote: max(r.withdrawableQuote, 0n),
    crossLeverageBps:
      r.equityQuote > 0n
        ? r.positionNotionalQuote === 0n
          ? 0n
          : mulDivUp(r.positionNotionalQuote, BPS, r.equityQuote)
        : null,
  };
}

/**
 * What one lot of a new order asks of free collateral in the margin check, rounded up per lot so
 * that `lots × cost` is never below what the check computes for `lots` (ceil(n·x) ≤ n·ceil(x)).
 */
export function marginCostPerLotUp(o: {
  isBuy: boolean;
  limitPerLot: bigint;
  markPerLot: bigint;
  params: { initialMarginBps: bigint; maxLeverage: bigint; takerFeePips: bigint };
}): bigint {
  const initial = mulDivUp(o.markPerLot, initialMarginBps(o.params), BPS);
  const loss = executionLoss(o.isBuy, 1n, o.limitPerLot, o.markPerLot);
  // a rebate (negative rate) is left out: the cost is only ever overstated
  const fee = o.params.takerFeePips > 0n ? mulDivUp(max(o.limitPerLot, o.markPerLot), o.params.takerFeePips, PIPS) : 0n;
  return initial + loss + fee;
}

/**
 * The most lots an order adding to the account's larger side may have so the margin check
 * accepts it (rounded down), and at `leverageX` (1..maxLeverage) at most free collateral ×
 * leverage of notional at the order's price. This is what a leverage slider at 100 % sizes to.
 */
export function maxOrderLots(o: {
  freeCollateralQuote: bigint;
  isBuy: boolean;
  limitPerLot: bigint;
  markPerLot: bigint;
  leverageX: bigint;
  params: { initialMarginBps: bigint; maxLeverage: bigint; takerFeePips: bigint };
}): bigint {
  if (o.freeCollateralQuote <= 0n || o.limitPerLot <= 0n || o.markPerLot <= 0n) return 0n;
  const cost = marginCostPerLotUp(o);
  const byMargin = divDown(o.freeCollateralQuote, cost);
  const leverage = o.leverageX < 1n ? 1n : o.leverageX > o.params.maxLeverage ? o.params.maxLeverage : o.leverageX;
  const byLeverage = divDown(o.freeCollateralQuote * leverage, max(o.limitPerLot, o.markPerLot));
  return byMargin < byLeverage ? byMargin : byLeverage;
}

/** |lots| × mark per lot, summed: the notional of a set of positions. */
export function positionNotional(positions: readonly { lots: bigint; markPerLot: bigint | null }[]): bigint {
  let n = 0n;
  for (const p of positions) n += abs(p.lots) * (p.markPerLot ?? 0n);
  return n;
}
