import fc from "fast-check";
import { describe, expect, it, test } from "vitest";
import { ClearlineError } from "../errors";
import { defaultRiskFactorPpm, DEFAULT_RISK_FACTORS_PPM } from "./default-risk-factors";
import { MEDIAN_PPM, quantileUp } from "./quantile";
import { absoluteChangePpm, riskFactorFromHistory } from "./risk-factor";

const E18 = 10n ** 18n;

describe("quantileUp", () => {
  test.each([
    [[5n], MEDIAN_PPM, 5n],
    [[1n, 2n, 3n], MEDIAN_PPM, 2n],
    [[1n, 2n, 3n, 4n], MEDIAN_PPM, 3n], // (2 + 3) / 2 = 2.5, rounded up
    [[1n, 3n, 5n, 7n], MEDIAN_PPM, 4n],
    [[1n, 2n, 3n, 4n], 0n, 1n],
    [[1n, 2n, 3n, 4n], 1_000_000n, 4n],
    [[0n, 10n, 20n, 30n, 40n], 900_000n, 36n], // rank 3.6
    [[0n, 100n], 333_333n, 34n], // 33.3333, rounded up
  ])("%s at %s ppm is %s", (sample, q, expected) => {
    expect(quantileUp(sample, q)).toBe(expected);
  });

  it("refuses an empty sample and a quantile outside 0..1e6", () => {
    expect(() => quantileUp([], MEDIAN_PPM)).toThrow(ClearlineError);
    expect(() => quantileUp([1n], 1_000_001n)).toThrow(ClearlineError);
  });

  it("the median equals a sorted-array reference (middle, or the mean of the two middles rounded up)", () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: 1, maxLength: 101 }), (values) => {
        const sorted = [...values].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
        const n = sorted.length;
        const reference = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]! + 1n) / 2n; // ceil of the mean
        expect(quantileUp(sorted, MEDIAN_PPM)).toBe(reference);
      }),
    );
  });

  it("is monotone in the quantile and stays within the sample's range", () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: 1, maxLength: 50 }),
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        (values, q1, q2) => {
          const sorted = [...values].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
          const [lo, hi] = q1 < q2 ? [q1, q2] : [q2, q1];
          expect(quantileUp(sorted, lo) <= quantileUp(sorted, hi)).toBe(true);
          expect(quantileUp(sorted, lo) >= sorted[0]!).toBe(true);
          expect(quantileUp(sorted, hi) <= sorted[sorted.length - 1]!).toBe(true);
        },
      ),
    );
  });
});

describe("absoluteChangePpm", () => {
  test.each([
    [100n * E18, 105n * E18, 50_000n],
    [100n * E18, 95n * E18, 50_000n],
    [3n * E18, 4n * E18, 333_334n], // 33.3333…%, rounded up
    [E18, E18, 0n],
    [E18, 3n * E18, 2_000_000n],
  ])("%s -> %s is %s ppm", (p0, p1, expected) => {
    expect(absoluteChangePpm(p0, p1)).toBe(expected);
  });

  it("refuses a non-positive price", () => {
    expect(() => absoluteChangePpm(0n, E18)).toThrow(ClearlineError);
    expect(() => absoluteChangePpm(E18, -1n)).toThrow(ClearlineError);
  });
});

describe("riskFactorFromHistory", () => {
  // a price that swings between two levels: from lo to hi and back, one step a day
  const swings = (lo: bigint, hi: bigint, days: number) =>
    Array.from({ length: days }, (_, i) => (i % 2 === 0 ? lo : hi) * E18);
  const zigzag = (days: number) => swings(100n, 101n, days + 1);

  it("falls back to the default when the history is shorter than the horizon, and shows what there was", () => {
    const result = riskFactorFromHistory(zigzag(10), { defaultPpm: DEFAULT_RISK_FACTORS_PPM.BTC! });
    expect(result.source).toBe("default");
    expect(result.factorPpm).toBe(20_900n);
    expect(result.horizonDays).toBe(365);
    expect(result.distributionPpm).toHaveLength(10);
    expect(riskFactorFromHistory([], { defaultPpm: 270n })).toMatchObject({ source: "default", factorPpm: 270n });
  });

  it("uses the median of the last horizon days when the history is long enough, and forgets older days", () => {
    // 100 wild days (±50%) ending at 100, then 365 calm days between 100 and 101 (+1% and −0.990099%)
    const closes = [...swings(100n, 150n, 101), ...swings(100n, 101n, 366).slice(1)];
    const result = riskFactorFromHistory(closes, { defaultPpm: 20_900n });
    expect(result.source).toBe("history");
    expect(result.distributionPpm).toHaveLength(365);
    expect(result.distributionPpm.filter((c) => c === 10_000n)).toHaveLength(183);
    expect(result.distributionPpm.filter((c) => c === 9_901n)).toHaveLength(182);
    expect(result.factorPpm).toBe(10_000n);
    // with 99 wild days inside the horizon the median stays calm (it is exceeded on half the days), a high quantile does not
    expect(riskFactorFromHistory(closes, { defaultPpm: 0n, horizonDays: 464 }).factorPpm).toBe(10_000n);
    expect(riskFactorFromHistory(closes, { defaultPpm: 0n, horizonDays: 464, quantilePpm: 800_000n }).factorPpm).toBe(
      333_334n,
    );
  });

  it("honours a configurable quantile and horizon", () => {
    const closes = [100n, 101n, 103n, 106n, 110n].map((p) => p * E18); // changes 1%, 1.98%, 2.91%, 3.77%, each rounded up
    const median = riskFactorFromHistory(closes, { defaultPpm: 0n, horizonDays: 4 });
    expect(median.source).toBe("history");
    expect(median.distributionPpm).toStrictEqual([10_000n, 19_802n, 29_127n, 37_736n]);
    expect(median.factorPpm).toBe(24_465n); // (19,802 + 29,127) / 2 = 24,464.5, rounded up
    expect(riskFactorFromHistory(closes, { defaultPpm: 0n, horizonDays: 4, quantilePpm: 1_000_000n }).factorPpm).toBe(
      37_736n,
    );
    const lastTwo = riskFactorFromHistory(closes, { defaultPpm: 0n, horizonDays: 2 });
    expect(lastTwo.distributionPpm).toStrictEqual([29_127n, 37_736n]);
  });

  it("caps f at 100% so that 1 − f stays non-negative", () => {
    const closes = [1n, 5n, 1n, 5n].map((p) => p * E18);
    expect(riskFactorFromHistory(closes, { defaultPpm: 0n, horizonDays: 3 }).factorPpm).toBe(1_000_000n);
  });

  it("refuses a bad horizon or default", () => {
    expect(() => riskFactorFromHistory([], { defaultPpm: 1n, horizonDays: 0 })).toThrow(ClearlineError);
    expect(() => riskFactorFromHistory([], { defaultPpm: 1_000_001n })).toThrow(ClearlineError);
  });

  test.each([
    ["BTC", 20_900n],
    ["ETH", 26_800n],
    ["USDC", 270n],
    ["SHIB", 36_400n],
    ["DOGE", 26_300n],
    ["wbtc", 20_900n],
    ["WETH", 26_800n],
    ["XYZ", undefined],
  ])("seed 002's default for %s is %s ppm", (symbol, ppm) => {
    expect(defaultRiskFactorPpm(symbol)).toBe(ppm);
  });
});
