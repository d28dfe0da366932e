import { describe, expect, it } from "vitest";
import { Prisma } from "../../generated/prisma/client";
import { bigintToDecimal, DECIMAL_78_MAX, decimalToBigint } from "./decimal";

describe("Decimal ↔ bigint", () => {
  it("is exact far beyond Decimal's 20 significant digits", () => {
    for (const v of [0n, 1n, -5n, 2n ** 255n, 2n ** 256n - 1n, DECIMAL_78_MAX, -DECIMAL_78_MAX]) {
      expect(decimalToBigint(bigintToDecimal(v))).toBe(v);
    }
    expect(decimalToBigint(new Prisma.Decimal("1e40"))).toBe(10n ** 40n);
  });

  it("refuses fractions, non-finite values and overflow instead of rounding", () => {
    expect(() => decimalToBigint("0.5")).toThrow(RangeError);
    expect(() => decimalToBigint(new Prisma.Decimal(NaN))).toThrow(RangeError);
    expect(() => bigintToDecimal(DECIMAL_78_MAX + 1n)).toThrow(RangeError);
  });
});
