/**
 * Decimal(78,0) ↔ bigint at the repository boundary. Prisma returns money columns as
 * Prisma.Decimal, whose arithmetic rounds to 20 significant digits: convert to bigint on the
 * way out and from bigint on the way in, and never do money math in Decimal.
 */
import { Prisma } from "../../generated/prisma/client";

/** Largest value a Decimal(78,0) column holds (78 nines); every uint256 fits. */
export const DECIMAL_78_MAX = 10n ** 78n - 1n;

/** Exact: throws on a fractional or non-finite value instead of rounding. */
export function decimalToBigint(value: Prisma.Decimal | string): bigint {
  const d = typeof value === "string" ? new Prisma.Decimal(value) : value;
  if (!d.isFinite() || !d.isInteger()) throw new RangeError(`not an integer amount: ${d.toString()}`);
  // toFixed() without digits prints every digit in plain notation (toString() may use exponents).
  return BigInt(d.toFixed());
}

export function decimalToBigintOrNull(value: Prisma.Decimal | null): bigint | null {
  return value === null ? null : decimalToBigint(value);
}

/** For writes. Throws if the value does not fit Decimal(78,0). */
export function bigintToDecimal(value: bigint): Prisma.Decimal {
  if (value > DECIMAL_78_MAX || value < -DECIMAL_78_MAX)
    throw new RangeError(`amount does not fit Decimal(78,0): ${value}`);
  return new Prisma.Decimal(value.toString());
}
