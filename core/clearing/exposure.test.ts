import fc from "fast-check";
import { describe, expect, it, test } from "vitest";
import { ClearlineError } from "../errors";
import { directionalExposure, exposures } from "./exposure";
import { netLiabilities } from "./netting";
import { pricingTable, staleMarks } from "./pricing";
import { A, B, ETH, fills, marksAfterMove, pair, params, units, usdE18, USDC, WBTC } from "./seed-002.test-util";

describe("seed 002 after the move (BTC 52,500, ETH 3,300, USDC 1), exact to the E18 unit", () => {
  const [aOwes, bOwes] = exposures(pair, netLiabilities(pair, fills), pricingTable(params, marksAfterMove));

  it("A as the debtor: ETH 33,884.40 + USDC 20,005.40 = 53,889.80 against BTC 51,402.75, risk 2,487.05", () => {
    expect(aOwes.debtor).toBe(A);
    expect(aOwes.owed.map((l) => [l.token, l.stressedUsdE18])).toStrictEqual([
      [ETH.token, usdE18("33884.40")],
      [USDC.token, usdE18("20005.40")],
    ]);
    expect(aOwes.claims.map((l) => [l.token, l.stressedUsdE18])).toStrictEqual([[WBTC.token, usdE18("51402.75")]]);
    expect(aOwes.owedStressedUsdE18).toBe(usdE18("53889.80"));
    expect(aOwes.claimsStressedUsdE18).toBe(usdE18("51402.75"));
    expect(aOwes.riskUsdE18).toBe(usdE18("2487.05"));
    expect(aOwes.exposureUsdE18).toBe(usdE18("2487.05"));
    // unstressed: 53,000 against 52,500 (seed 002's "$500 more")
    expect(aOwes.unstressedExposureUsdE18).toBe(usdE18("500"));
    expect(aOwes.oldestMarkTimestamp).toBe(1_700_000_000n);
  });

  it("B as the debtor (the mirror): BTC 53,597.25 against ETH 32,115.60 + USDC 19,994.60, risk 1,487.05", () => {
    expect(bOwes.debtor).toBe(B);
    expect(bOwes.owedStressedUsdE18).toBe(usdE18("53597.25"));
    expect(bOwes.claims.map((l) => l.stressedUsdE18)).toStrictEqual([usdE18("32115.60"), usdE18("19994.60")]);
    expect(bOwes.claimsStressedUsdE18).toBe(usdE18("52110.20"));
    expect(bOwes.riskUsdE18).toBe(usdE18("1487.05"));
    expect(bOwes.exposureUsdE18).toBe(usdE18("1487.05"));
    expect(bOwes.unstressedExposureUsdE18).toBe(0n);
  });

  it("before the move (BTC 50,000, ETH 3,000) the liabilities balance unstressed", () => {
    const before = marksAfterMove.map((m) =>
      m.token === WBTC.token
        ? { ...m, usdPriceE18: usdE18("50000") }
        : m.token === ETH.token
          ? { ...m, usdPriceE18: usdE18("3000") }
          : m,
    );
    const [x, y] = exposures(pair, netLiabilities(pair, fills), pricingTable(params, before));
    expect(x.owedValueUsdE18).toBe(usdE18("50000"));
    expect(x.claimsValueUsdE18).toBe(usdE18("50000"));
    expect(x.unstressedExposureUsdE18).toBe(0n);
    expect(y.unstressedExposureUsdE18).toBe(0n);
  });
});

describe("rounding: debts up, claims down", () => {
  const asset = { chainId: 1n, token: USDC.token, decimals: 6 };
  const mark = (usd: string) => [{ chainId: 1n, token: USDC.token, usdPriceE18: usdE18(usd), timestamp: 0n }];
  test.each([
    // amount, price, f ppm, owed stressed (up), claim stressed (down)
    [1n, "1", 270n, 1_000_270_000_000n, 999_730_000_000n],
    [1n, "0.000000000000000001", 1n, 1n, 0n], // 1e-6 token at 1e-18 USD: a debt of dust is one unit, a claim nothing
    [3n, "0.333333333333333333", 0n, 1_000_000_000_000n, 999_999_999_999n], // 3e-6 × 0.33…3 USD is 0.99…9e-6 USD
    [units(USDC, "20000"), "1", 270n, usdE18("20005.40"), usdE18("19994.60")],
    [units(USDC, "1"), "1", 1_000_000n, usdE18("2"), 0n], // f = 100%
  ])("%s units at $%s with f %s ppm: debt %s, claim %s", (amount, usd, f, up, down) => {
    const table = pricingTable([{ ...asset, riskFactorPpm: f }], mark(usd));
    const liabilities = [
      { chainId: 1n, token: USDC.token, debtor: A, amount },
      { chainId: 1n, token: USDC.token, debtor: B, amount },
    ];
    const d = directionalExposure({ debtor: A, creditor: B }, liabilities, table);
    expect(d.owedStressedUsdE18).toBe(up);
    expect(d.claimsStressedUsdE18).toBe(down);
  });

  it("fails with MARK_PRICE_UNAVAILABLE or ASSET_NOT_FOUND when a liability cannot be priced", () => {
    const liabilities = netLiabilities(pair, fills);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as ClearlineError).code;
      }
    };
    expect(code(() => exposures(pair, liabilities, pricingTable(params, marksAfterMove.slice(1))))).toBe(
      "MARK_PRICE_UNAVAILABLE",
    );
    expect(code(() => exposures(pair, liabilities, pricingTable(params.slice(1), marksAfterMove)))).toBe(
      "ASSET_NOT_FOUND",
    );
  });
});

describe("exposure properties", () => {
  const arbLiabilities = fc.array(
    fc.record({
      asset: fc.constantFrom(WBTC, ETH, USDC),
      aOwes: fc.boolean(),
      amount: fc.bigInt({ min: 1n, max: 10n ** 27n }),
    }),
    { maxLength: 6 },
  );
  const arbFactors = fc.tuple(
    fc.bigInt({ min: 0n, max: 1_000_000n }),
    fc.bigInt({ min: 0n, max: 1_000_000n }),
    fc.bigInt({ min: 0n, max: 1_000_000n }),
  );

  it("is monotone non-decreasing in every risk factor, in both directions", () => {
    fc.assert(
      fc.property(arbLiabilities, arbFactors, arbFactors, (lines, f1, f2) => {
        const liabilities = lines.map((l) => ({ ...l.asset, debtor: l.aOwes ? A : B, amount: l.amount }));
        const lo = f1.map((f, i) => (f < f2[i]! ? f : f2[i]!));
        const hi = f1.map((f, i) => (f < f2[i]! ? f2[i]! : f));
        const table = (fs: bigint[]) =>
          pricingTable(
            params.map((p, i) => ({ ...p, riskFactorPpm: fs[i]! })),
            marksAfterMove,
          );
        const low = exposures(pair, liabilities, table(lo));
        const high = exposures(pair, liabilities, table(hi));
        for (const i of [0, 1]) {
          expect(low[i]!.riskUsdE18 <= high[i]!.riskUsdE18).toBe(true);
          expect(low[i]!.exposureUsdE18 <= high[i]!.exposureUsdE18).toBe(true);
          // the stress only widens the gap: stressed risk >= unstressed risk
          expect(low[i]!.riskUsdE18 >= low[i]!.owedValueUsdE18 - low[i]!.claimsValueUsdE18).toBe(true);
        }
      }),
    );
  });
});

describe("pricingTable and staleMarks", () => {
  it("refuses two marks or two parameter sets for one asset, and a factor above 100%", () => {
    const reason = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as ClearlineError).details.reason;
      }
    };
    expect(reason(() => pricingTable(params, [...marksAfterMove, marksAfterMove[0]!]))).toBe(
      "CLEARING_DUPLICATE_ENTRY",
    );
    expect(reason(() => pricingTable([...params, params[0]!], marksAfterMove))).toBe("CLEARING_DUPLICATE_ENTRY");
    expect(reason(() => pricingTable([{ ...params[0]!, riskFactorPpm: 1_000_001n }], marksAfterMove))).toBe(
      "CLEARING_OUT_OF_RANGE",
    );
  });

  test.each([
    [1_700_000_060n, 60n, []],
    [1_700_000_061n, 60n, [WBTC.token]],
    [1_700_000_100n, 60n, [WBTC.token, USDC.token]],
    [1_700_000_200n, 0n, [WBTC.token, ETH.token, USDC.token]],
  ])("at %s with a max age of %ss the stale marks are %o", (now, maxAge, tokens) => {
    expect(staleMarks(marksAfterMove, now, maxAge).map((m) => m.token)).toStrictEqual(tokens);
  });
});
