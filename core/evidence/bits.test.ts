import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bitLength, isPowerOfTwo, popCount, splitPoint, trailingZeros, xor } from "./bits";

// the bigint forms are the definitions; the number forms must agree past 32 bits
const arbSafe = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 32 + 5 }),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(0, 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 52, Number.MAX_SAFE_INTEGER),
);

describe("bit arithmetic on safe integers", () => {
  it("bitLength, popCount, trailingZeros and isPowerOfTwo agree with bigint", () => {
    fc.assert(
      fc.property(arbSafe, (x) => {
        const b = BigInt(x);
        expect(bitLength(x)).toBe(x === 0 ? 0 : b.toString(2).length);
        expect(popCount(x)).toBe([...b.toString(2)].filter((c) => c === "1").length);
        expect(trailingZeros(x)).toBe(x === 0 ? 0 : b.toString(2).length - b.toString(2).lastIndexOf("1") - 1);
        expect(isPowerOfTwo(x)).toBe(x > 0 && (b & (b - 1n)) === 0n);
      }),
      { numRuns: 500 },
    );
  });

  it("xor agrees with bigint", () => {
    fc.assert(
      fc.property(arbSafe, arbSafe, (a, b) => {
        expect(xor(a, b)).toBe(Number(BigInt(a) ^ BigInt(b)));
      }),
      { numRuns: 500 },
    );
  });

  it("splitPoint(n) is the largest power of two below n", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: Number.MAX_SAFE_INTEGER }), (n) => {
        const k = splitPoint(n);
        expect(isPowerOfTwo(k)).toBe(true);
        expect(k < n && n <= 2 * k).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
