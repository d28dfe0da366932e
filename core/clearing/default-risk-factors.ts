/**
 * Seed 002's risk factors (the median daily absolute change over a year, as of its writing), the
 * fallback where the exchange's own price history is shorter than the horizon.
 */

/** f in ppm by symbol: BTC 2.09%, ETH 2.68%, USDC 0.027%, SHIB 3.64%, DOGE 2.63%. */
export const DEFAULT_RISK_FACTORS_PPM: Readonly<Record<string, bigint>> = Object.freeze({
  BTC: 20_900n,
  ETH: 26_800n,
  USDC: 270n,
  SHIB: 36_400n,
  DOGE: 26_300n,
});

/** The seed-002 default for a symbol (wrapped tokens count as their underlying: WBTC → BTC), or undefined. */
export function defaultRiskFactorPpm(symbol: string): bigint | undefined {
  const upper = symbol.toUpperCase();
  return (
    DEFAULT_RISK_FACTORS_PPM[upper] ?? (upper.startsWith("W") ? DEFAULT_RISK_FACTORS_PPM[upper.slice(1)] : undefined)
  );
}
