/**
 * The value of a broker's collateral (`cl`) that covers its debts in the channel: only what the
 * network has LOCKED for this session counts (what is merely available can leave), valued at the
 * mark and stressed ×(1−f) rounded down, like any asset the creditor would have to sell.
 */
import type { Address } from "viem";
import type { Collateral } from "./app-data-types";
import type { PricingTable } from "./pricing";
import { sameAddress } from "./types";
import { stressedValueDownE18, valueDownE18 } from "./valuation";

/** A broker's collateral, in USD ×1e18. */
export interface CollateralValue {
  broker: Address;
  /** locked amounts at the marks, rounded down */
  valueUsdE18: bigint;
  /** locked amounts ×(1−f), rounded down: what utilisation divides by */
  stressedUsdE18: bigint;
}

/** The value of `broker`'s locked collateral among the channel's `cl` entries. */
export function collateralValue(
  broker: Address,
  collateral: readonly Collateral[],
  pricing: PricingTable,
): CollateralValue {
  let valueUsdE18 = 0n;
  let stressedUsdE18 = 0n;
  for (const entry of collateral) {
    if (!sameAddress(entry.broker, broker) || entry.locked === 0n) continue;
    const price = pricing.get(entry);
    valueUsdE18 += valueDownE18(entry.locked, price);
    stressedUsdE18 += stressedValueDownE18(entry.locked, price);
  }
  return { broker, valueUsdE18, stressedUsdE18 };
}
