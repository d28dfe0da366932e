import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { buyLockQuote, feeForNotional } from "./fees";

describe("feeForNotional", () => {
  test.each([
    // [case, notional in quote base units, rate pips, fee]
    ["USDC 6dp: 100 USDC at 5 bps taker", 100_000_000n, 500n, 50_000n],
    ["USDC 6dp dust: 1 unit at 1 pip is still charged", 1n, 1n, 1n],
    ["USDC 6dp: 3 units at 200 pips rounds up", 3n, 200n, 1n],
    ["WBTC 8dp quote: 0.00012345 at 333 pips", 12_345n, 333n, 5n],
    ["WETH 18dp quote: 1.5 at 250 pips", 15n * 10n ** 17n, 250n, 375n * 10n ** 12n],
    ["WETH 18dp dust: 999 wei at 1 pip", 999n, 1n, 1n],
    ["rebate 6dp: 100 USDC at -1 bp", 100_000_000n, -100n, -10_000n],
    ["rebate dust rounds down to zero", 3n, -200n, 0n],
    ["rebate 18dp: 1 wei at -1 pip", 1n, -1n, 0n],
    ["zero rate", 123n, 0n, 0n],
  ])("%s", (_name, notional, pips, fee) => {
    expect(feeForNotional(notional, pips)).toBe(fee);
  });

  test("a positive fee on a non-zero notional is never zero and never below the exact value", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 30n }), fc.bigInt({ min: 1n, max: 100_000n }), (notional, pips) => {
        const fee = feeForNotional(notional, pips);
        expect(fee >= 1n).toBe(true);
        expect(fee * 1_000_000n >= notional * pips).toBe(true);
      }),
    );
  });

  test("a rebate never exceeds the exact value", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 30n }), fc.bigInt({ min: 1n, max: 100_000n }), (notional, pips) => {
        const rebate = -feeForNotional(notional, -pips);
        expect(rebate >= 0n && rebate * 1_000_000n <= notional * pips).toBe(true);
      }),
    );
  });
});

describe("buyLockQuote", () => {
  test("covers every split of the order into fills at any price up to the limit", () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 1n, max: 50n }), { minLength: 1, maxLength: 30 }),
        fc.bigInt({ min: 1n, max: 10n ** 9n }),
        fc.bigInt({ min: 0n, max: 20_000n }),
        (fills, limit, pips) => {
          const lots = fills.reduce((a, b) => a + b, 0n);
          let locked = buyLockQuote(lots, limit, pips);
          for (const f of fills) locked -= f * limit + feeForNotional(f * limit, pips);
          expect(locked >= 0n).toBe(true);
        },
      ),
    );
  });
});
