/**
 * Stressed exposure of one broker to the other, in both directions (seed 002): in the direction
 * where X is the debtor, what X owes is valued ×(1+f) rounded up, what X is owed ×(1−f) rounded
 * down, and the risk is the difference; the exposure is that risk when positive.
 */
import { max } from "../money/math";
import { clearingInputError } from "./errors";
import type { Liability } from "./netting";
import type { PricingTable } from "./pricing";
import { directionsOf, sameAddress, type BrokerPair, type Direction } from "./types";
import { stressedValueDownE18, stressedValueUpE18, valueDownE18, valueUpE18 } from "./valuation";

/** A liability with the price, factor and values it was valued at (what a risk manager's table shows). */
export interface ValuedLiability extends Liability {
  decimals: number;
  usdPriceE18: bigint;
  markTimestamp: bigint;
  riskFactorPpm: bigint;
  /** at the mark, rounded like the stressed value (up for a debt, down for a claim) */
  valueUsdE18: bigint;
  stressedUsdE18: bigint;
}

/** One direction's valuation; all USD amounts ×1e18. */
export interface DirectionalExposure extends Direction {
  /** what the debtor owes the creditor, valued ×(1+f) up */
  owed: ValuedLiability[];
  /** what the creditor owes the debtor, valued ×(1−f) down */
  claims: ValuedLiability[];
  owedValueUsdE18: bigint;
  claimsValueUsdE18: bigint;
  owedStressedUsdE18: bigint;
  claimsStressedUsdE18: bigint;
  /** owedStressed − claimsStressed, signed */
  riskUsdE18: bigint;
  /** max(0, risk): what the creditor could lose */
  exposureUsdE18: bigint;
  /** max(0, owedValue − claimsValue): the same at the marks, without stress */
  unstressedExposureUsdE18: bigint;
  /** the oldest mark this valuation used, null when nothing is owed either way */
  oldestMarkTimestamp: bigint | null;
}

/** The valuation of one direction from the channel's net liabilities. */
export function directionalExposure(
  direction: Direction,
  liabilities: readonly Liability[],
  pricing: PricingTable,
): DirectionalExposure {
  const owed: ValuedLiability[] = [];
  const claims: ValuedLiability[] = [];
  let oldest: bigint | null = null;
  liabilities.forEach((liability, index) => {
    const isOwed = sameAddress(liability.debtor, direction.debtor);
    if (!isOwed && !sameAddress(liability.debtor, direction.creditor))
      throw clearingInputError("CLEARING_NOT_A_PARTICIPANT", "a liability's debtor must be one of the two brokers", {
        index,
        debtor: liability.debtor,
      });
    const price = pricing.get(liability);
    if (oldest === null || price.markTimestamp < oldest) oldest = price.markTimestamp;
    const valued: ValuedLiability = {
      chainId: liability.chainId,
      token: liability.token,
      debtor: liability.debtor,
      amount: liability.amount,
      decimals: price.decimals,
      usdPriceE18: price.usdPriceE18,
      markTimestamp: price.markTimestamp,
      riskFactorPpm: price.riskFactorPpm,
      valueUsdE18: isOwed ? valueUpE18(liability.amount, price) : valueDownE18(liability.amount, price),
      stressedUsdE18: isOwed
        ? stressedValueUpE18(liability.amount, price)
        : stressedValueDownE18(liability.amount, price),
    };
    (isOwed ? owed : claims).push(valued);
  });
  const sum = (lines: ValuedLiability[], pick: (l: ValuedLiability) => bigint) =>
    lines.reduce((total, line) => total + pick(line), 0n);
  const owedValueUsdE18 = sum(owed, (l) => l.valueUsdE18);
  const claimsValueUsdE18 = sum(claims, (l) => l.valueUsdE18);
  const owedStressedUsdE18 = sum(owed, (l) => l.stressedUsdE18);
  const claimsStressedUsdE18 = sum(claims, (l) => l.stressedUsdE18);
  const riskUsdE18 = owedStressedUsdE18 - claimsStressedUsdE18;
  return {
    debtor: direction.debtor,
    creditor: direction.creditor,
    owed,
    claims,
    owedValueUsdE18,
    claimsValueUsdE18,
    owedStressedUsdE18,
    claimsStressedUsdE18,
    riskUsdE18,
    exposureUsdE18: max(0n, riskUsdE18),
    unstressedExposureUsdE18: max(0n, owedValueUsdE18 - claimsValueUsdE18),
    oldestMarkTimestamp: oldest,
  };
}

/** Both directions: [A as the debtor, B as the debtor]. */
export function exposures(
  pair: BrokerPair,
  liabilities: readonly Liability[],
  pricing: PricingTable,
): [DirectionalExposure, DirectionalExposure] {
  const [aOwes, bOwes] = directionsOf(pair);
  return [directionalExposure(aOwes, liabilities, pricing), directionalExposure(bOwes, liabilities, pricing)];
}
