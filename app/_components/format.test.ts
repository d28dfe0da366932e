import { describe, expect, test } from "vitest";
import {
  changeBps,
  formatAmount,
  formatBps,
  formatCompact,
  formatPips,
  formatPrice,
  parseAmount,
  readAmount,
  stepDecimals,
} from "./format";

describe("formatAmount", () => {
  test.each([
    [1_234_500_000n, 6, { maxFraction: 2 }, "1,234.5"],
    [1_234_500_000n, 6, { maxFraction: 2, minFraction: 2 }, "1,234.50"],
    [1_234_567_891n, 6, { maxFraction: 2 }, "1,234.56"], // toward zero, never up
    [-1_234_567_891n, 6, { maxFraction: 2 }, "−1,234.56"],
    [5n, 6, { maxFraction: 2, signed: true }, "0"], // rounds to zero: no sign
    [10n ** 18n + 1n, 18, {}, "1.000000000000000001"], // exact for 18 decimals
    [250_000n, 6, { signed: true }, "+0.25"],
  ] as const)("%s at %s decimals %j → %s", (v, d, f, out) => {
    expect(formatAmount(v, d, f)).toBe(out);
  });
});

test.each([
  [10_000n, 6, 2],
  [100_000n, 6, 1],
  [1n, 6, 6],
  [10n ** 15n, 18, 3],
] as const)("stepDecimals(%s, %s) = %s", (step, d, out) => expect(stepDecimals(step, d)).toBe(out));

test("prices show the tick's precision", () => {
  expect(formatPrice(3_000_000_000n, 6, 10_000n)).toBe("3,000.00");
  expect(formatPrice(65_432_100_000n, 6, 100_000n)).toBe("65,432.1");
});

test("compact volumes, bps and pips", () => {
  expect(formatCompact(1_250_000_000_000n, 6)).toBe("1.2M");
  expect(formatCompact(999_000_000n, 6)).toBe("999");
  expect(formatBps(1234n)).toBe("12.34%");
  expect(formatBps(-5n, { signed: true })).toBe("−0.05%");
  expect(formatPips(250)).toBe("0.025%");
  expect(changeBps(2_000n, 2_100n)).toBe(500n);
  expect(changeBps(0n, 1n)).toBeNull();
});

test("parseAmount never rounds: too many decimals is refused", () => {
  expect(parseAmount("1234.5", 6)).toBe(1_234_500_000n);
  expect(parseAmount("0.1234567", 6)).toBeNull();
  expect(parseAmount("abc", 6)).toBeNull();
  expect(parseAmount("", 6)).toBeNull();
  expect(parseAmount(".5", 2)).toBe(50n);
});

describe("readAmount is strict (issue 21: '0,5' was read as 5)", () => {
  test.each([
    ["0,5", 18],
    ["1,234.5", 6],
    ["1,5", 6],
    ["1.234,5", 6],
    ["0.5.1", 6],
    ["-1", 6],
    ["1e3", 6],
    ["½", 6],
    ["0x10", 6],
    [" ", 6],
    ["0.0000001", 6],
  ])("%j is refused, never guessed", (text, decimals) => {
    const r = readAmount(text, decimals);
    expect(r.ok).toBe(false);
    expect(parseAmount(text, decimals)).toBeNull();
  });

  test("a comma gets a reason that says to use a point", () => {
    expect(readAmount("0,5", 18)).toEqual({
      ok: false,
      reason: "Use a point for decimals (0.5), and no thousands separators.",
    });
  });

  test.each([
    ["0.5", 18, 5n * 10n ** 17n],
    [" 3000.25 ", 6, 3_000_250_000n],
    ["5", 6, 5_000_000n],
    [".5", 2, 50n],
    ["5.", 2, 500n],
  ] as const)("%j at %s decimals reads %s", (text, decimals, value) => {
    expect(readAmount(text, decimals)).toEqual({ ok: true, value });
  });
});
