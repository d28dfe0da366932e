import { describe, expect, it } from "vitest";
import { loadEnv } from "../env";
import { boundedCoverage, DEFAULT_OPENING_POLICY, type OpeningPolicy } from "./opening-policy";

const policy: OpeningPolicy = { ttlSeconds: 3_600, maxShareBps: 1_000n, reserveMaxBps: 5_000n };

describe("boundedCoverage", () => {
  it("gives what the coverage policy wants when every cap is above it", () => {
    expect(boundedCoverage(policy, { wanted: 200n, available: 10_000n, reserved: 0n, reservedByOpenings: 0n })).toBe(
      200n,
    );
  });

  it("caps one opening at its share of the free balance, rounded down", () => {
    expect(
      boundedCoverage(policy, { wanted: 10n ** 30n, available: 10_009n, reserved: 0n, reservedByOpenings: 0n }),
    ).toBe(1_000n);
  });

  it("caps all openings together: what they reserve already counts, top-ups do not", () => {
    const x = { wanted: 10n ** 30n, available: 10_000n };
    expect(boundedCoverage(policy, { ...x, reserved: 4_500n, reservedByOpenings: 4_500n })).toBe(500n);
    expect(boundedCoverage(policy, { ...x, reserved: 4_500n, reservedByOpenings: 0n })).toBe(1_000n);
    expect(boundedCoverage(policy, { ...x, reserved: 6_000n, reservedByOpenings: 6_000n })).toBe(0n);
  });

  it("never promises what is promised already, and never a negative amount", () => {
    expect(
      boundedCoverage(policy, { wanted: 800n, available: 10_000n, reserved: 9_700n, reservedByOpenings: 0n }),
    ).toBe(300n);
    expect(boundedCoverage(policy, { wanted: 800n, available: 100n, reserved: 900n, reservedByOpenings: 0n })).toBe(0n);
    expect(boundedCoverage(policy, { wanted: 0n, available: 100n, reserved: 0n, reservedByOpenings: 0n })).toBe(0n);
  });

  it("the settings (server/env.ts) default to DEFAULT_OPENING_POLICY and refuse values out of bounds, naming them", () => {
    expect(loadEnv({}).channelOpeningPolicy).toEqual(DEFAULT_OPENING_POLICY);
    expect(
      loadEnv({
        CHANNEL_OPENING_TTL_SECONDS: "600",
        CHANNEL_OPENING_MAX_SHARE_BPS: "250",
        CHANNEL_OPENING_RESERVE_MAX_BPS: "2500",
      }).channelOpeningPolicy,
    ).toEqual({ ttlSeconds: 600, maxShareBps: 250n, reserveMaxBps: 2_500n });
    const refused = (source: Record<string, string>) => {
      try {
        loadEnv(source);
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(refused({ CHANNEL_OPENING_TTL_SECONDS: "604801" })).toContain("CHANNEL_OPENING_TTL_SECONDS");
    expect(refused({ CHANNEL_OPENING_TTL_SECONDS: "59" })).toContain("CHANNEL_OPENING_TTL_SECONDS");
    expect(refused({ CHANNEL_OPENING_MAX_SHARE_BPS: "10001" })).toContain("CHANNEL_OPENING_MAX_SHARE_BPS");
    expect(refused({ CHANNEL_OPENING_RESERVE_MAX_BPS: "-1" })).toContain("CHANNEL_OPENING_RESERVE_MAX_BPS");
  });
});
