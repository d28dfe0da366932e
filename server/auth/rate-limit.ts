/**
 * Token buckets in process memory: each key holds up to `burst` tokens, refilled at
 * `perSecond`. One process serves the exchange (the engine is single-writer), so in-process
 * limits are exact; several processes would need a shared store.
 */

export interface RateLimit {
  /**
   * whose bucket: the client's IP, or the signed-in user — one bucket across all of the user's
   * sessions, so signing in three times does not triple the limit (IP when signed out)
   */
  per: "ip" | "user";
  burst: number;
  perSecond: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  atMs: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  constructor(private readonly maxKeys = 100_000) {}

  /** Takes one token from `key`'s bucket, or says how long until one is there. */
  take(key: string, limit: RateLimit, nowMs: number): TakeResult {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.sweep(nowMs);
      bucket = { tokens: limit.burst, atMs: nowMs };
      this.buckets.set(key, bucket);
    } else {
      const elapsedMs = Math.max(0, nowMs - bucket.atMs);
      bucket.tokens = Math.min(limit.burst, bucket.tokens + (elapsedMs * limit.perSecond) / 1000);
      bucket.atMs = nowMs;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) * 1000) / limit.perSecond) };
  }

  /** Forget buckets idle long enough to be full again (assumes no limit refills slower than 1/min); then the oldest. */
  private sweep(nowMs: number): void {
    for (const [key, b] of this.buckets) if (nowMs - b.atMs > 60_000 * 10) this.buckets.delete(key);
    if (this.buckets.size >= this.maxKeys) {
      const drop = Math.ceil(this.maxKeys / 10);
      let i = 0;
      for (const key of this.buckets.keys()) {
        if (i++ >= drop) break;
        this.buckets.delete(key);
      }
    }
  }
}

export interface ConfiguredRateLimits {
  /** auth.signIn per IP */
  signIn: RateLimit;
  /** auth.nonce per IP (each writes a row) */
  nonce: RateLimit;
  /** order entry per user: place, cancel, amend and setTpSl share it (orderProcedure, server/api/trpc.ts) */
  orders: RateLimit;
  /** every other mutation, per user (per IP signed out): taken by every procedure kind */
  mutations: RateLimit;
  /** a signed-in user's queries (account history, fills, fees… read the journal) */
  reads: RateLimit;
}

/**
 * The limits from the settings (RATE_LIMIT_*). Mutations other than orders (channel requests,
 * co-signatures, sign-out…) get a fifth of the order rate with the same burst; a user's reads
 * twice the order burst at the order rate.
 */
export function rateLimitsFrom(settings: { signInPerMinute: number; ordersPerSecond: number }): ConfiguredRateLimits {
  const orders = settings.ordersPerSecond;
  return {
    signIn: { per: "ip", burst: settings.signInPerMinute, perSecond: settings.signInPerMinute / 60 },
    nonce: { per: "ip", burst: settings.signInPerMinute * 3, perSecond: (settings.signInPerMinute * 3) / 60 },
    orders: { per: "user", burst: orders, perSecond: orders },
    mutations: { per: "user", burst: orders, perSecond: orders / 5 },
    reads: { per: "user", burst: orders * 2, perSecond: orders },
  };
}
