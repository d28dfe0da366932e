import { describe, expect, it } from "vitest";
import { RateLimiter, rateLimitsFrom, type RateLimit } from "./rate-limit";

const tenPerMinute: RateLimit = { per: "ip", burst: 10, perSecond: 10 / 60 };

describe("RateLimiter (token bucket)", () => {
  it("allows a burst of `burst`, then refuses with the time until the next token", () => {
    const l = new RateLimiter();
    for (let i = 0; i < 10; i++) expect(l.take("a", tenPerMinute, 0)).toEqual({ ok: true });
    expect(l.take("a", tenPerMinute, 0)).toEqual({ ok: false, retryAfterMs: 6000 });
    expect(l.take("a", tenPerMinute, 3000)).toEqual({ ok: false, retryAfterMs: 3000 });
    expect(l.take("a", tenPerMinute, 6000)).toEqual({ ok: true });
    expect(l.take("a", tenPerMinute, 6000).ok).toBe(false);
  });

  it("keeps keys apart and never refills beyond the burst", () => {
    const l = new RateLimiter();
    for (let i = 0; i < 10; i++) l.take("a", tenPerMinute, 0);
    expect(l.take("b", tenPerMinute, 0).ok).toBe(true);
    const after = 3_600_000; // an hour idle: still only 10
    let ok = 0;
    while (l.take("a", tenPerMinute, after).ok) ok++;
    expect(ok).toBe(10);
  });

  it("forgets idle buckets when full of keys, so memory stays bounded", () => {
    const l = new RateLimiter(100);
    for (let i = 0; i < 1000; i++) expect(l.take(`k${i}`, tenPerMinute, i * 1_000_000).ok).toBe(true);
    expect((l as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(100);
  });

  it("order entry: 50 per second per user (across sessions) by default settings", () => {
    const { orders, signIn } = rateLimitsFrom({ signInPerMinute: 10, ordersPerSecond: 50 });
    expect(orders).toEqual({ per: "user", burst: 50, perSecond: 50 });
    expect(signIn).toEqual({ per: "ip", burst: 10, perSecond: 10 / 60 });
    const l = new RateLimiter();
    for (let i = 0; i < 50; i++) expect(l.take("s", orders, 1000).ok).toBe(true);
    expect(l.take("s", orders, 1000)).toEqual({ ok: false, retryAfterMs: 20 });
    expect(l.take("s", orders, 1020).ok).toBe(true);
  });
});
