/**
 * Cross-margin arithmetic for one settlement asset. Collateral is the settlement balance,
 * which already carries every fill's quote flow (a long's purchase is a debit), so
 * equity = balance + sum(lots * mark). Requirements round up, in the exchange's favour.
 */
import { abs, BPS, max, mulDivUp } from "../money/math";
import { unrealizedPnl } from "./position";

/** What margin needs to know of one account's leg in one perpetual market. */
export interface MarginLeg {
  position: { lots: bigint; entryQuote: bigint };
  openBuyLots: bigint;
  openSellLots: bigint;
  market: {
    markPerLot: bigint | null;
    params: { initialMarginBps: bigint; maintenanceMarginBps: bigint; maxLeverage: bigint };
  };
}

/** Initial margin rate of a market: its initial margin, and at least 1 / maxLeverage. */
export function initialMarginBps(params: { initialMarginBps: bigint; maxLeverage: bigint }): bigint {
  const byLeverage = (BPS + params.maxLeverage - 1n) / params.maxLeverage;
  return max(params.initialMarginBps, byLeverage);
}

/** Equity: the settlement balance plus each position's value at the mark. */
export function equity(balanceQuote: bigint, legs: readonly MarginLeg[]): bigint {
  let e = balanceQuote;
  for (const leg of legs) if (leg.position.lots !== 0n) e += leg.position.lots * (leg.market.markPerLot ?? 0n);
  return e;
}

/** Equity with unrealized gains left out (unrealized losses still count): what may be withdrawn against. */
export function equityWithoutGains(balanceQuote: bigint, legs: readonly MarginLeg[]): bigint {
  let e = equity(balanceQuote, legs);
  for (const leg of legs) {
    if (leg.position.lots === 0n) continue;
    const upnl = unrealizedPnl(leg.position, leg.market.markPerLot ?? 0n);
    if (upnl > 0n) e -= upnl;
  }
  return e;
}

/**
 * Initial margin: per market, the larger of |position + open buys| and |position - open sells|
 * at the mark, times the initial rate. `extra` adds a prospective order to one leg.
 */
export function initialRequirement(
  legs: readonly MarginLeg[],
  extra?: { leg: MarginLeg; buyLots: bigint; sellLots: bigint },
): bigint {
  let req = 0n;
  for (const leg of legs) {
    let buys = leg.openBuyLots;
    let sells = leg.openSellLots;
    if (extra !== undefined && extra.leg === leg) {
      buys += extra.buyLots;
      sells += extra.sellLots;
    }
    const lots = leg.position.lots;
    const worst = max(abs(lots + buys), abs(lots - sells));
    if (worst === 0n) continue;
    req += mulDivUp(worst * (leg.market.markPerLot ?? 0n), initialMarginBps(leg.market.params), BPS);
  }
  return req;
}

/** Maintenance margin of the open positions at the mark. */
export function maintenanceRequirement(legs: readonly MarginLeg[]): bigint {
  let req = 0n;
  for (const leg of legs) {
    const lots = leg.position.lots;
    if (lots === 0n) continue;
    req += mulDivUp(abs(lots) * (leg.market.markPerLot ?? 0n), leg.market.params.maintenanceMarginBps, BPS);
  }
  return req;
}

/** True when the account has positions and its equity is below maintenance margin. */
export function isLiquidatable(balanceQuote: bigint, legs: readonly MarginLeg[]): boolean {
  let any = false;
  for (const leg of legs) if (leg.position.lots !== 0n) any = true;
  return any && equity(balanceQuote, legs) < maintenanceRequirement(legs);
}

/**
 * Worst-case loss of an order against the mark if it fills entirely at its limit: a buy above
 * the mark (or a sell below it) starts out that far under water.
 */
export function executionLoss(isBuy: boolean, lots: bigint, limitPerLot: bigint, markPerLot: bigint): bigint {
  const gap = isBuy ? limitPerLot - markPerLot : markPerLot - limitPerLot;
  return gap > 0n ? gap * lots : 0n;
}

/** Free collateral that may be withdrawn: equity without unrealized gains minus initial margin (never negative). */
export function withdrawable(balanceQuote: bigint, legs: readonly MarginLeg[]): bigint {
  const free = equityWithoutGains(balanceQuote, legs) - initialRequirement(legs);
  return free > 0n ? free : 0n;
}
