/** Which legs of an account share a settlement asset (cross margin is per settlement asset). */
import { withdrawable } from "../risk/margin";
import type { Account, Leg } from "./state";

/** The account's perpetual legs settled in `quote` (the same array when all are). */
export function settlementLegs(account: Account, quote: string): readonly Leg[] {
  const legs = account.perpLegs;
  for (const leg of legs) {
    if (leg.market.params.quote.symbol !== quote) return legs.filter((l) => l.market.params.quote.symbol === quote);
  }
  return legs;
}

/** True when any of the account's perpetual positions settled in `quote` is open. */
export function hasPositions(account: Account, quote: string): boolean {
  for (const leg of account.perpLegs)
    if (leg.position.lots !== 0n && leg.market.params.quote.symbol === quote) return true;
  return false;
}

/**
 * What spot orders may lock of an asset: the available balance, or, when the asset is also the
 * account's perpetual collateral, only its free collateral (as for a withdrawal).
 */
export function spendable(account: Account, asset: string, available: bigint): bigint {
  const legs = settlementLegs(account, asset);
  if (legs.length === 0) return available;
  if (!hasOpenPerp(legs)) return available;
  return withdrawable(available, legs);
}

function hasOpenPerp(legs: readonly Leg[]): boolean {
  for (const leg of legs)
    if (leg.position.lots !== 0n || leg.openBuyLots !== 0n || leg.openSellLots !== 0n) return true;
  return false;
}
