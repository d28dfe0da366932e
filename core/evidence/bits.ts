/**
 * Bit arithmetic on tree sizes and indexes held as `number`. JavaScript's bitwise operators
 * truncate to 32 bits, so everything here uses division and multiplication, which are exact for
 * every integer up to 2^53 − 1 (MAX_TREE_SIZE). Callers pass non-negative safe integers.
 */

/** The largest tree size (and so the largest leaf index + 1) this module handles: 2^53 − 1. */
export const MAX_TREE_SIZE = Number.MAX_SAFE_INTEGER;

/** True when `x` is a whole number in [0, MAX_TREE_SIZE]. */
export function isTreeSize(x: unknown): x is number {
  return typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
}

/** Whether the lowest bit of `x` is set. */
export function lsb(x: number): boolean {
  return x % 2 === 1;
}

/** `x >> 1` without 32-bit truncation. */
export function half(x: number): number {
  return Math.floor(x / 2);
}

/** Number of bits needed to write `x` (0 for 0): Go's bits.Len64. */
export function bitLength(x: number): number {
  let bits = 0;
  for (let v = x; v > 0; v = half(v)) bits++;
  return bits;
}

/** Number of set bits of `x`. */
export function popCount(x: number): number {
  let count = 0;
  for (let v = x; v > 0; v = half(v)) if (lsb(v)) count++;
  return count;
}

/** Number of trailing zero bits of `x` (0 for 0). */
export function trailingZeros(x: number): number {
  if (x === 0) return 0;
  let zeros = 0;
  for (let v = x; !lsb(v); v = half(v)) zeros++;
  return zeros;
}

/** Whether `x` is 2^j for some j ≥ 0. */
export function isPowerOfTwo(x: number): boolean {
  return x > 0 && 2 ** (bitLength(x) - 1) === x;
}

/** RFC 9162's k for n > 1: the largest power of two strictly smaller than `n`. */
export function splitPoint(n: number): number {
  return 2 ** (bitLength(n - 1) - 1);
}

const TWO_32 = 2 ** 32;

/** `a ^ b` for safe integers, done on the 32-bit halves. */
export function xor(a: number, b: number): number {
  const high = (Math.floor(a / TWO_32) ^ Math.floor(b / TWO_32)) >>> 0;
  const low = ((a % TWO_32) ^ (b % TWO_32)) >>> 0;
  return high * TWO_32 + low;
}
