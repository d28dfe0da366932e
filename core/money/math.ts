/**
 * Integer money arithmetic on bigint. Every division says how it rounds: `Down` is toward
 * negative infinity (floor), `Up` toward positive infinity (ceiling). Callers pick the one
 * that favours the exchange (fees up, payouts down).
 */

/** 1 pip = 1e-6 of a notional (fee and funding rates). */
export const PIPS = 1_000_000n;
/** 1 bp = 1e-4 of a notional (margin rates, price bands). */
export const BPS = 10_000n;

/** Floor division: the largest integer q with q * d <= n (d must be non-zero). */
export function divDown(n: bigint, d: bigint): bigint {
  const q = n / d;
  // bigint `/` truncates toward zero; step down when the exact quotient was negative and inexact.
  return n % d !== 0n && n < 0n !== d < 0n ? q - 1n : q;
}

/** Ceiling division: the smallest integer q with q * d >= n (d must be non-zero). */
export function divUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && n < 0n === d < 0n ? q + 1n : q;
}

/** a * b / d rounded down (toward negative infinity). */
export function mulDivDown(a: bigint, b: bigint, d: bigint): bigint {
  return divDown(a * b, d);
}

/** a * b / d rounded up (toward positive infinity). */
export function mulDivUp(a: bigint, b: bigint, d: bigint): bigint {
  return divUp(a * b, d);
}

/** Absolute value. */
export function abs(a: bigint): bigint {
  return a < 0n ? -a : a;
}

/** The smaller of two values. */
export function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** The larger of two values. */
export function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** a limited to [lo, hi] (lo <= hi). */
export function clamp(a: bigint, lo: bigint, hi: bigint): bigint {
  return a < lo ? lo : a > hi ? hi : a;
}

/** -1n, 0n or 1n. */
export function sign(a: bigint): bigint {
  return a > 0n ? 1n : a < 0n ? -1n : 0n;
}
