import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { abs, clamp, divDown, divUp, mulDivDown, mulDivUp, sign } from "./math";
import { fromBaseUnits, toBaseUnits } from "./units";

describe("division rounding", () => {
  test.each([
    [7n, 2n, 3n, 4n],
    [-7n, 2n, -4n, -3n],
    [7n, -2n, -4n, -3n],
    [-7n, -2n, 3n, 4n],
    [6n, 3n, 2n, 2n],
    [-6n, 3n, -2n, -2n],
    [0n, 5n, 0n, 0n],
    [1n, 10n ** 18n, 0n, 1n],
  ])("%s / %s: down %s, up %s", (n, d, down, up) => {
    expect(divDown(n, d)).toBe(down);
    expect(divUp(n, d)).toBe(up);
  });

  test.each([
    // notional 1 USDC (6 decimals) at 25 pips
    [1_000_000n, 25n, 1_000_000n, 25n, 25n],
    // dust: 1 base unit at 1 pip rounds to 0 down, 1 up
    [1n, 1n, 1_000_000n, 0n, 1n],
    // 18-decimal notional 1 WETH * 3000 at 500 pips
    [3000n * 10n ** 18n, 500n, 1_000_000n, 15n * 10n ** 17n, 15n * 10n ** 17n],
    // 8-decimal: 0.00012345 WBTC at 333 pips
    [12_345n, 333n, 1_000_000n, 4n, 5n],
  ])("mulDiv %s * %s / %s: down %s, up %s", (a, b, d, down, up) => {
    expect(mulDivDown(a, b, d)).toBe(down);
    expect(mulDivUp(a, b, d)).toBe(up);
  });

  test("floor <= exact <= ceil and they differ by at most one", () => {
    fc.assert(
      fc.property(
        fc.bigInt(),
        fc.bigInt().filter((d) => d !== 0n),
        (n, d) => {
          const down = divDown(n, d);
          const up = divUp(n, d);
          expect(up - down === 0n || up - down === 1n).toBe(true);
          // down*d <= n <= up*d when d > 0 (reversed when d < 0)
          if (d > 0n) expect(down * d <= n && n <= up * d).toBe(true);
          else expect(down * d >= n && n >= up * d).toBe(true);
        },
      ),
    );
  });

  test("helpers", () => {
    expect(abs(-3n)).toBe(3n);
    expect(clamp(5n, 0n, 3n)).toBe(3n);
    expect(clamp(-5n, 0n, 3n)).toBe(0n);
    expect(sign(-9n)).toBe(-1n);
  });
});

describe("decimal conversion", () => {
  test.each([
    ["1.5", 6, 1_500_000n],
    ["0.00000001", 8, 1n],
    ["3000", 18, 3000n * 10n ** 18n],
    ["-2.25", 6, -2_250_000n],
  ])("%s with %i decimals is %s", (text, decimals, units) => {
    expect(toBaseUnits(text, decimals)).toBe(units);
    expect(toBaseUnits(fromBaseUnits(units, decimals), decimals)).toBe(units);
  });

  test("too many decimals is refused", () => {
    expect(() => toBaseUnits("0.0000001", 6)).toThrow(RangeError);
  });
});
