import { describe, expect, it } from "vitest";
import { randomWalkSource, seededRandom, walkStep } from "./mark-feed";

describe("mark feed random walk", () => {
  it("the same seed gives the same walk; another seed another", () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
  });

  it.each([
    // price, tick, drift, vol, random -> next (u = random % (2 vol + 1) - vol)
    [3_000_000_000n, 10_000n, 0, 5, 5, 3_000_000_000n], // u = 0
    [3_000_000_000n, 10_000n, 0, 5, 10, 3_001_500_000n], // u = +5 bps
    [3_000_000_000n, 10_000n, 0, 5, 0, 2_998_500_000n], // u = -5 bps
    [3_000_000_000n, 10_000n, 2, 0, 123, 3_000_600_000n], // drift only: +2 bps
    [10_000n, 10_000n, -100, 0, 0, 10_000n], // never below one tick
    [3_000_012_345n, 10_000n, 0, 0, 0, 3_000_010_000n], // floored to the tick
  ])("walkStep(%s, tick %s, drift %s, vol %s, r %s) = %s", (price, tick, drift, vol, r, next) => {
    expect(walkStep(price, tick, drift, vol, r)).toBe(next);
  });

  it("emits the start prices at once and keeps state across an admin reset", () => {
    const src = randomWalkSource({
      markets: [{ symbol: "ETH-PERP", startPricePerWhole: 3_000_000_000n, tickSize: 10_000n }],
      intervalMs: 60_000,
      driftBps: 0,
      volatilityBps: 5,
      seed: 1,
    });
    const got: [string, bigint][] = [];
    const stop = src.start((m, p) => got.push([m, p]));
    stop();
    expect(got).toEqual([["ETH-PERP", 3_000_000_000n]]);
    src.reset?.("ETH-PERP", 2_500_000_000n);
    expect(src.prices().get("ETH-PERP")).toBe(2_500_000_000n);
  });
});
