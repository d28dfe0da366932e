/**
 * Conversions between human decimal strings and integer base units, for tests, seeds and
 * display. The engine itself never parses decimals.
 */

/** "1.5" with 6 decimals -> 1_500_000n; more fractional digits than `decimals` is an error. */
export function toBaseUnits(decimal: string, decimals: number): bigint {
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(decimal.trim());
  if (!match) throw new RangeError(`not a decimal number: ${decimal}`);
  const [, minus, whole = "0", fraction = ""] = match;
  if (fraction.length > decimals) throw new RangeError(`${decimal} has more than ${decimals} decimals`);
  const units = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
  return minus ? -units : units;
}

/** 1_500_000n with 6 decimals -> "1.5" (no trailing zeros). */
export function fromBaseUnits(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const absUnits = negative ? -units : units;
  const scale = 10n ** BigInt(decimals);
  const whole = absUnits / scale;
  const fraction = (absUnits % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}
