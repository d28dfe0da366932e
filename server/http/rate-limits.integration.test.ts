/**
 * Issue 20 item 6 and SECURITY attacks 21 and 8 over real loopback sockets (api-listener.ts):
 * rate limits per user across sessions and for every mutation, per client behind a trusted
 * proxy, and fifty parallel spends of one balance through the direct order entry. One listener
 * with tight limits and a clock that stands still (8852), one with generous limits (8853).
 */
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import type { Address } from "viem";
import { rateLimitsFrom } from "../auth/rate-limit";
import { TRADERS } from "../engine/testing";
import { call, post, placeInput, reply, startApiHarness, USDC, WETH, type ApiHarness } from "./testing";

const STRICT_PORT = 8852;
const GENEROUS_PORT = 8853;
const serverUrl = inject("testDatabaseUrl");
const [, BOB, CAROL] = TRADERS;
const MALLORY = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65" as Address;
let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness(serverUrl);
  await h.listen(GENEROUS_PORT);
  const frozen = new Date();
  await h.listen(STRICT_PORT, {
    now: () => frozen,
    limits: rateLimitsFrom({ signInPerMinute: 2, ordersPerSecond: 10 }),
    trustedProxies: ["127.0.0.1", "::ffff:127.0.0.1"],
  });
});
afterAll(async () => h?.close());

describe(`issue 20 over HTTP: rate limits and parallel spends (${serverUrl ? "PostgreSQL" : "PGlite"}, loopback sockets)`, () => {
  it("attack 21: one user's sessions share one order bucket that cancel, amend and setTpSl draw from too; other mutations and account reads are limited per user; refusals are RATE_LIMITED with Retry-After", async () => {
    const sessions = await Promise.all([1, 2, 3].map(() => h.signedIn(BOB!)));
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) => call(STRICT_PORT, "orders.place", placeInput(), sessions[i % 3])),
    );
    expect(burst.filter((r) => r.status === 200)).toHaveLength(10);
    const limited = burst.filter((r) => r.status === 429);
    expect(limited).toHaveLength(20);
    for (const r of limited) {
      expect(r.error?.data.clearline?.clearlineCode).toBe("RATE_LIMITED");
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
    const placed = burst.find((r) => r.status === 200)!.data as { orderId: number };
    for (const [procedure, input] of [
      ["orders.cancel", { idempotencyKey: "cancel-limited-1", orderId: placed.orderId }],
      ["orders.amend", { idempotencyKey: "amend-limited-1", orderId: placed.orderId, size: WETH / 200n }],
      ["orders.setTpSl", { idempotencyKey: "tpsl-limited-1", market: "ETH-PERP", takeProfit: null, stopLoss: null }],
    ] as const) {
      const r = await call(STRICT_PORT, procedure, input, sessions[0]);
      expect(r.status, procedure).toBe(429);
    }
    // a channel mutation and a heavy account read have buckets of their own, per user
    const carol = await Promise.all([1, 2].map(() => h.signedIn(CAROL!)));
    const closes = await Promise.all(
      Array.from({ length: 15 }, (_, i) => call(STRICT_PORT, "channel.requestClose", {}, carol[i % 2])),
    );
    expect(closes.filter((r) => r.status === 429)).toHaveLength(5);
    const reads = await Promise.all(
      Array.from({ length: 25 }, async (_, i) => {
        const res = await fetch(
          `http://127.0.0.1:${STRICT_PORT}/api/trpc/account.fills?input=${encodeURIComponent(JSON.stringify(superjson.serialize({})))}`,
          {
            headers: { cookie: carol[i % 2]! },
          },
        );
        return reply(res);
      }),
    );
    expect(reads.filter((r) => r.status === 429)).toHaveLength(5);
  });

  it("attack 21: behind a trusted proxy each client has its own per-IP bucket (the proxy's address is skipped)", async () => {
    const nonce = (clientIp: string) =>
      post(STRICT_PORT, "auth.nonce", "{}", { headers: { "x-forwarded-for": clientIp } });
    // 2 sign-ins a minute: 6 nonces per IP
    const first = await Promise.all(Array.from({ length: 7 }, () => nonce("198.51.100.1")));
    expect(first.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 429]);
    expect((await nonce("198.51.100.2")).status).toBe(200);
    // a client's own claim further left is not believed: the last untrusted hop counts
    expect((await nonce("203.0.113.9, 198.51.100.1")).status).toBe(429);
  });

  it("attack 8 over HTTP: fifty parallel orders spending one balance — one is accepted, the balance never goes below zero", async () => {
    await h.rt.submit({ type: "deposit", account: MALLORY, asset: "USDC", amount: 2_100n * USDC });
    const cookie = await h.signedIn(MALLORY);
    // 1 WETH at 2000 USDC locks 2000 USDC plus the fee: only one of them fits in 2100
    const all = await Promise.all(
      Array.from({ length: 50 }, () =>
        call(GENEROUS_PORT, "orders.place", placeInput({ size: WETH, price: 2_000n * USDC }), cookie),
      ),
    );
    expect(all.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = all.filter((r) => r.status !== 200);
    expect(new Set(refused.map((r) => r.error?.data.clearline?.clearlineCode))).toEqual(
      new Set(["INSUFFICIENT_BALANCE"]),
    );
    const balance = h.rt.read((ex) => ex.balance(MALLORY, "USDC"));
    expect(balance.available).toBeGreaterThanOrEqual(0n);
    expect(balance.available + balance.locked).toBe(2_100n * USDC);
  });
});
