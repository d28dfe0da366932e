/**
 * USD value of an amount at its mark, plain or stressed by the asset's risk factor f. Each line is
 * one exact product divided once, so the rounding named in the function is the only one: what a
 * broker owes is valued up (×(1+f), ceiling), what it is owed down (×(1−f), floor).
 */
import { mulDivDown, mulDivUp } from "../money/math";
import { PPM, type AssetPrice } from "./pricing";

const pow10 = (decimals: number) => 10n ** BigInt(decimals);

/** amount (base units) × USD price, in USD ×1e18, rounded down. */
export function valueDownE18(amount: bigint, price: AssetPrice): bigint {
  return mulDivDown(amount, price.usdPriceE18, pow10(price.decimals));
}

/** amount (base units) × USD price, in USD ×1e18, rounded up. */
export function valueUpE18(amount: bigint, price: AssetPrice): bigint {
  return mulDivUp(amount, price.usdPriceE18, pow10(price.decimals));
}

/** amount × USD price × (1 + f), in USD ×1e18, rounded up: the stressed value of a debt. */
export function stressedValueUpE18(amount: bigint, price: AssetPrice): bigint {
  return mulDivUp(amount * price.usdPriceE18, PPM + price.riskFactorPpm, pow10(price.decimals) * PPM);
}

/** amount × USD price × (1 − f), in USD ×1e18, rounded down: the stressed value of a claim or collateral. */
export function stressedValueDownE18(amount: bigint, price: AssetPrice): bigint {
  return mulDivDown(amount * price.usdPriceE18, PPM - price.riskFactorPpm, pow10(price.decimals) * PPM);
}
