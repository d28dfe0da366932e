import fc from "fast-check";
import { describe, expect, it, test } from "vitest";
import { ClearlineError } from "../errors";
import { DEFAULT_THRESHOLDS, utilisationBps, ZONE_RANK, zoneOf } from "./zones";

describe("utilisationBps", () => {
  test.each([
    [0n, 0n, 0n],
    [0n, 100n, 0n],
    [-5n, 100n, 0n], // a negative risk is no exposure
    [1n, 0n, null], // exposure against no collateral: unbounded
    [80n, 100n, 8_000n],
    [1n, 3n, 3_334n], // 3,333.3…, rounded up
    [2n, 1n, 20_000n],
  ])("%s / %s = %s bps", (exposure, collateral, bps) => {
    expect(utilisationBps(exposure, collateral)).toBe(bps);
  });
});

describe("zoneOf", () => {
  test.each([
    [0n, "green"],
    [7_999n, "green"],
    [8_000n, "orange"],
    [8_999n, "orange"],
    [9_000n, "red"],
    [9_499n, "red"],
    [9_500n, "stop"],
    [30_000n, "stop"],
    [null, "stop"],
  ])("%s bps with the default 80/90/95%% is %s", (bps, zone) => {
    expect(zoneOf(bps, DEFAULT_THRESHOLDS)).toBe(zone);
  });

  test.each([
    [{ orangeBps: 5_000, redBps: 7_000, stopBps: 7_000 }, 6_999n, "orange"],
    [{ orangeBps: 5_000, redBps: 7_000, stopBps: 7_000 }, 7_000n, "stop"], // red = stop: straight to stop
    [{ orangeBps: 0, redBps: 0, stopBps: 0 }, 0n, "stop"],
    [{ orangeBps: 10_000, redBps: 20_000, stopBps: 65_535 }, 19_999n, "orange"],
  ])("with %o, %s bps is %s", (thresholds, bps, zone) => {
    expect(zoneOf(bps, thresholds)).toBe(zone);
  });

  it("refuses unordered or out-of-range thresholds", () => {
    expect(() => zoneOf(0n, { orangeBps: 9_000, redBps: 8_000, stopBps: 9_500 })).toThrow(ClearlineError);
    expect(() => zoneOf(0n, { orangeBps: 1, redBps: 2, stopBps: 70_000 })).toThrow(ClearlineError);
    expect(() => zoneOf(0n, { orangeBps: 0.5, redBps: 2, stopBps: 3 })).toThrow(ClearlineError);
  });

  const arbThresholds = fc
    .tuple(
      fc.integer({ min: 0, max: 65_535 }),
      fc.integer({ min: 0, max: 65_535 }),
      fc.integer({ min: 0, max: 65_535 }),
    )
    .map((t) => t.sort((x, y) => x - y))
    .map(([orangeBps, redBps, stopBps]) => ({ orangeBps: orangeBps!, redBps: redBps!, stopBps: stopBps! }));
  const arbUtilisation = fc.option(fc.bigInt({ min: 0n, max: 100_000n }), { nil: null, freq: 10 });
  const rank = (u: bigint | null) => (u === null ? Infinity : Number(u));

  it("is monotone in utilisation: a higher utilisation is never a milder zone", () => {
    fc.assert(
      fc.property(arbThresholds, arbUtilisation, arbUtilisation, (thresholds, u1, u2) => {
        const [lo, hi] = rank(u1) <= rank(u2) ? [u1, u2] : [u2, u1];
        expect(ZONE_RANK[zoneOf(lo, thresholds)]).toBeLessThanOrEqual(ZONE_RANK[zoneOf(hi, thresholds)]);
      }),
    );
  });

  it("utilisation grows with exposure and shrinks with collateral", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        (e1, e2, collateral) => {
          const [lo, hi] = e1 <= e2 ? [e1, e2] : [e2, e1];
          expect(rank(utilisationBps(lo, collateral))).toBeLessThanOrEqual(rank(utilisationBps(hi, collateral)));
          expect(rank(utilisationBps(lo, collateral + 1n))).toBeLessThanOrEqual(rank(utilisationBps(lo, collateral)));
        },
      ),
    );
  });
});
