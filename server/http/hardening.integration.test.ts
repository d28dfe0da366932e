/**
 * Issue 20 over real loopback sockets, through the app server's own routing (api-listener.ts):
 * the direct order entry and tRPC's handler behind the request guard, a real database and the
 * engine runtime. SECURITY attacks 8 (parallel spends over HTTP), 15 (the direct order path),
 * 17 (oversized numbers), 19 (malformed transport input), 21 (rate limits per user) and the
 * small leaks of item 10. Two listeners share the runtime: one with generous limits (8851), one
 * with tight limits and a clock that stands still (8852).
 */
import http from "node:http";
import net from "node:net";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it, inject, vi } from "vitest";
import type { Address } from "viem";
import { engineOnlyServices } from "../api/testing";
import type { AuthDeps } from "../auth/deps";
import { RateLimiter, rateLimitsFrom } from "../auth/rate-limit";
import { hashSessionToken, newSessionToken } from "../auth/session-token";
import { createMigratedTestDatabase, type TestDatabase } from "../db/testing";
import type { EngineRuntime } from "../engine/runtime";
import { seedMarkets, startQuietRuntime, TRADERS } from "../engine/testing";
import { apiListener } from "./api-listener";

const GENEROUS_PORT = 8851;
const STRICT_PORT = 8852;
const APP = "http://localhost:3650";
const SECRET = "hardening-integration-test-secret-0123456789";
const serverUrl = inject("testDatabaseUrl");
const USDC = 1_000_000n;
const WETH = 10n ** 18n;
const [ALICE, BOB, CAROL] = TRADERS;
const MALLORY = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65" as Address;

let t: TestDatabase;
let rt: EngineRuntime;
const servers: http.Server[] = [];

function deps(overrides: Partial<AuthDeps>): AuthDeps {
  return {
    db: t.handle.db,
    appUrl: new URL(APP),
    chainId: async () => 31337,
    now: () => new Date(),
    sessionSecret: SECRET,
    sessionTtlSeconds: 3600,
    siweMaxAgeSeconds: 600,
    maxBodyBytes: 65_536,
    adminAddress: TRADERS[0]!,
    limiter: new RateLimiter(),
    limits: rateLimitsFrom({ signInPerMinute: 100_000, ordersPerSecond: 100_000 }),
    ...overrides,
  } as unknown as AuthDeps;
}

async function listen(port: number, auth: AuthDeps): Promise<void> {
  const services = engineOnlyServices(t.handle, () => rt, auth);
  const notFound = (_req: http.IncomingMessage, res: http.ServerResponse) => void res.writeHead(404).end();
  const server = http.createServer(apiListener({ services, fallback: notFound }));
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  servers.push(server);
}

/** A session cookie for `address` (a new session each call: the same user signed in again). */
async function signedIn(address: Address): Promise<string> {
  const user = await t.handle.db.user.upsert({ where: { address }, create: { address }, update: {} });
  const token = newSessionToken();
  await t.handle.db.session.create({
    data: {
      tokenHash: hashSessionToken(token, SECRET),
      userId: user.id,
      address,
      expiresAt: new Date(Date.now() + 3_600_000),
    },
  });
  return `clearline_session=${token}`;
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** the single call's error (plain or batched), if any */
  error?: {
    message: string;
    data: {
      code: string;
      httpStatus: number;
      zodIssues: { path: string; message: string }[] | null;
      clearline: { clearlineCode: string; details: Record<string, unknown> } | null;
    };
  };
  data?: unknown;
}

async function post(
  port: number,
  path: string,
  body: string,
  o: { cookie?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const res = await fetch(`http://127.0.0.1:${port}/api/trpc/${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin: APP,
      ...(o.cookie ? { cookie: o.cookie } : {}),
      ...o.headers,
    },
    body,
  });
  return reply(res);
}

async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { status: res.status, headers: res.headers, text };
  }
  const single = (Array.isArray(parsed) ? parsed[0] : parsed) as {
    error?: { json: Reply["error"] };
    result?: { data: unknown };
  };
  return {
    status: res.status,
    headers: res.headers,
    text,
    error: single?.error?.json,
    data: single?.result ? superjson.deserialize(single.result.data as never) : undefined,
  };
}

const call = (port: number, procedure: string, input: unknown, cookie?: string) =>
  post(port, procedure, JSON.stringify(superjson.serialize(input)), { cookie });

const placeInput = (over: Record<string, unknown> = {}) => ({
  idempotencyKey: `k-${Math.random().toString(36).slice(2, 14)}`,
  market: "WETH-USDC",
  side: "buy",
  type: "limit",
  size: WETH / 100n,
  price: 2_000n * USDC,
  ...over,
});

const journalSize = () => t.handle.db.journalEntry.count();

beforeAll(async () => {
  t = await createMigratedTestDatabase(serverUrl);
  await seedMarkets(t.handle.db);
  rt = await startQuietRuntime(t.handle.db);
  for (const a of [ALICE!, BOB!, CAROL!]) {
    await rt.submit({ type: "deposit", account: a, asset: "USDC", amount: 1_000_000n * USDC });
    await rt.submit({ type: "deposit", account: a, asset: "WETH", amount: 100n * WETH });
  }
  await listen(GENEROUS_PORT, deps({}));
  const frozen = new Date();
  await listen(
    STRICT_PORT,
    deps({
      now: () => frozen,
      limits: rateLimitsFrom({ signInPerMinute: 2, ordersPerSecond: 10 }),
      trustedProxies: ["127.0.0.1", "::ffff:127.0.0.1"],
    }),
  );
});

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  await rt?.stop();
  await t?.drop();
});

describe(`issue 20 over HTTP (${serverUrl ? "PostgreSQL" : "PGlite"}, loopback sockets)`, () => {
  it("attack 17: a 64,001-digit size or price is refused with 400 naming the field, before the sequencer or the journal, on the direct order path and through tRPC", async () => {
    const cookie = await signedIn(ALICE!);
    const before = { journal: await journalSize(), seq: rt.status().sequence };
    const huge = "9".repeat(64_001);
    for (const field of ["size", "price"]) {
      const json = { ...(superjson.serialize(placeInput()).json as Record<string, unknown>), [field]: huge };
      const meta = { values: { size: ["bigint"], price: ["bigint"] } };
      const body = JSON.stringify({ json, meta });
      expect(body.length).toBeLessThan(65_536);
      for (const path of ["orders.place", "orders.place?batch=1"]) {
        const r = await post(
          GENEROUS_PORT,
          path,
          path.includes("batch") ? JSON.stringify({ 0: { json, meta } }) : body,
          {
            cookie,
          },
        );
        expect(r.status, `${field} via ${path}`).toBe(400);
        expect(r.error?.data.clearline?.details.field, `${field} via ${path}`).toBe(field);
      }
    }
    // within uint256 but beyond what the market can count: refused by the market's bounds
    const beyond = [
      { over: { size: 10n ** 60n }, field: "size", code: "SIZE_OUT_OF_RANGE" },
      { over: { price: 10n ** 60n }, field: "price", code: "PRICE_OUT_OF_RANGE" },
      { over: { type: "stopLimit", triggerPrice: 10n ** 60n }, field: "triggerPrice", code: "PRICE_OUT_OF_RANGE" },
    ];
    for (const b of beyond) {
      const r = await call(GENEROUS_PORT, "orders.place", placeInput(b.over), cookie);
      expect(r.status, b.field).toBe(400);
      expect(r.error?.data.clearline).toMatchObject({ clearlineCode: b.code, details: { field: b.field } });
    }
    const tpsl = await call(
      GENEROUS_PORT,
      "orders.setTpSl",
      { idempotencyKey: "tpsl-bound-1", market: "ETH-PERP", takeProfit: 10n ** 60n, stopLoss: null },
      cookie,
    );
    expect(tpsl.error?.data.clearline).toMatchObject({
      clearlineCode: "PRICE_OUT_OF_RANGE",
      details: { field: "takeProfit" },
    });
    // beyond uint256: the schema refuses it, for orders and for chain amounts alike
    const tooBig = 1n << 256n;
    const place = await call(GENEROUS_PORT, "orders.place", placeInput({ size: tooBig }), cookie);
    expect(place.error?.data.zodIssues).toEqual([{ path: "size", message: "at most 2^256 - 1" }]);
    const withdraw = await call(
      GENEROUS_PORT,
      "channel.requestWithdraw",
      { token: "0x5FbDB2315678afecb367f032d93F642f64180aa3", amount: tooBig },
      cookie,
    );
    expect(withdraw.status).toBe(400);
    expect(withdraw.error?.data.zodIssues?.[0]?.path).toBe("amount");
    expect({ journal: await journalSize(), seq: rt.status().sequence }).toEqual(before);
  });

  it("attack 19: malformed superjson, an empty body and deep nesting get 400 naming the field on every path, never 500 or a logged stack", async () => {
    const cookie = await signedIn(ALICE!);
    const errors = vi.spyOn(console, "error");
    const valid = superjson.serialize(placeInput()) as { json: Record<string, unknown>; meta: unknown };
    // written as text: JSON.stringify itself would overflow the stack on 8,000 levels
    const deep = `${'{"x":'.repeat(8_000)}{}${"}".repeat(8_000)}`;
    const validJson = JSON.stringify(valid.json);
    const cases: { name: string; payload: unknown; field: string }[] = [
      { name: "bigint NaN", payload: { json: { ...valid.json, size: "NaN" }, meta: valid.meta }, field: "size" },
      { name: "bigint 1e18", payload: { json: { ...valid.json, size: "1e18" }, meta: valid.meta }, field: "size" },
      {
        name: "unknown transformation",
        payload: { json: valid.json, meta: { values: { size: ["weird"], price: ["bigint"] } } },
        field: "size",
      },
      { name: "8,000-deep meta", payload: `{"json":${validJson},"meta":{"values":${deep}}}`, field: "meta" },
      {
        name: "8,000-deep json",
        payload: `{"json":${validJson.replace(/}$/, `,"clientOrderId":${deep}}`)}}`,
        field: "clientOrderId",
      },
    ];
    for (const c of cases) {
      const body = typeof c.payload === "string" ? c.payload : JSON.stringify(c.payload);
      for (const path of ["orders.place", "orders.place?batch=1", "orders.cancel"]) {
        const r = await post(GENEROUS_PORT, path, path.includes("batch") ? `{"0":${body}}` : body, { cookie });
        expect(r.status, `${c.name} via ${path}`).toBe(400);
        expect(String(r.error?.data.clearline?.details.field), `${c.name} via ${path}`).toMatch(
          new RegExp(`^${c.field}`),
        );
      }
    }
    for (const path of ["orders.place", "orders.cancel"]) {
      const empty = await post(GENEROUS_PORT, path, "", { cookie });
      expect(empty.status, `empty body via ${path}`).toBe(400);
      expect(empty.error?.data.code).toBe("BAD_REQUEST");
      expect(empty.error?.data.clearline?.details.field).toBe("input");
      const notJson = await post(GENEROUS_PORT, path, "{", { cookie });
      expect(notJson.status, `not JSON via ${path}`).toBe(400);
    }
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });

  it("attack 21: one user's sessions share one order bucket that cancel, amend and setTpSl draw from too; other mutations and account reads are limited per user; refusals are RATE_LIMITED with Retry-After", async () => {
    const sessions = await Promise.all([1, 2, 3].map(() => signedIn(BOB!)));
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
    const carol = await Promise.all([1, 2].map(() => signedIn(CAROL!)));
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
    await rt.submit({ type: "deposit", account: MALLORY, asset: "USDC", amount: 2_100n * USDC });
    const cookie = await signedIn(MALLORY);
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
    const balance = rt.read((ex) => ex.balance(MALLORY, "USDC"));
    expect(balance.available).toBeGreaterThanOrEqual(0n);
    expect(balance.available + balance.locked).toBe(2_100n * USDC);
  });

  it("attack 15 on the direct order path: a cross-site form post, a missing origin, an oversized body and no session are refused before the engine", async () => {
    const cookie = await signedIn(ALICE!);
    const body = JSON.stringify(superjson.serialize(placeInput()));
    const before = await journalSize();
    const form = await post(GENEROUS_PORT, "orders.place", "a=1", {
      cookie,
      headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(403);
    const noOrigin = await fetch(`http://127.0.0.1:${GENEROUS_PORT}/api/trpc/orders.place`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body,
    });
    expect(noOrigin.status).toBe(403);
    const big = await post(GENEROUS_PORT, "orders.place", JSON.stringify({ json: { pad: "x".repeat(70_000) } }), {
      cookie,
    });
    expect(big.status).toBe(413);
    expect(big.headers.get("connection")).toBe("close");
    const anonymous = await post(GENEROUS_PORT, "orders.place", body);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await journalSize()).toBe(before);
  });

  it("item 10: another user's order id answers as a missing one, public status shows no database location, a refused subscription is no 500, and an oversized body is refused unread", async () => {
    const alice = await signedIn(ALICE!);
    const bob = await signedIn(BOB!);
    const placed = await call(GENEROUS_PORT, "orders.place", placeInput(), alice);
    const orderId = (placed.data as { orderId: number }).orderId;
    const strip = (r: Reply) => ({
      status: r.status,
      code: r.error?.data.clearline?.clearlineCode,
      message: r.error?.message.replace(/\d+/g, "N"),
    });
    for (const procedure of ["orders.cancel", "orders.amend"]) {
      const input = (id: number, key: string) =>
        procedure === "orders.cancel"
          ? { idempotencyKey: key, orderId: id }
          : { idempotencyKey: key, orderId: id, size: WETH / 200n };
      const theirs = strip(await call(GENEROUS_PORT, procedure, input(orderId, `${procedure}-theirs-1`), bob));
      const missing = strip(await call(GENEROUS_PORT, procedure, input(987_654, `${procedure}-missing-1`), bob));
      expect(theirs).toEqual(missing);
      expect(theirs.code).toBe("ORDER_NOT_FOUND");
    }

    const status = await fetch(`http://127.0.0.1:${GENEROUS_PORT}/api/trpc/system.status`);
    const text = await status.text();
    expect(status.status).toBe(200);
    expect(text).not.toContain(t.handle.location);

    const sse = await fetch(
      `http://127.0.0.1:${GENEROUS_PORT}/api/trpc/channel.states?input=${encodeURIComponent(
        JSON.stringify(superjson.serialize({ channelId: `0x${"ab".repeat(32)}` })),
      )}`,
      { headers: { cookie: bob, accept: "text/event-stream" } },
    );
    const reader = sse.body!.getReader();
    let stream = "";
    const deadline = Date.now() + 5_000;
    while (!stream.includes("serialized-error") && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      stream += new TextDecoder().decode(value);
    }
    await reader.cancel();
    expect(stream).toContain("serialized-error");
    expect(stream).not.toContain("INTERNAL_SERVER_ERROR");
    expect(stream).toContain("SERVICE_UNAVAILABLE");

    // headers declaring 10 MB, then silence: the answer must not wait for the body
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(GENEROUS_PORT, "127.0.0.1");
      let got = "";
      const timer = setTimeout(() => {
        socket.destroy();
        resolve(got);
      }, 3_000);
      socket.on("data", (d) => (got += d.toString()));
      socket.on("close", () => {
        clearTimeout(timer);
        resolve(got);
      });
      socket.on("error", reject);
      socket.write(
        `POST /api/trpc/orders.place HTTP/1.1\r\nHost: localhost\r\nOrigin: ${APP}\r\nContent-Type: application/json\r\nCookie: ${alice}\r\nContent-Length: 10000000\r\n\r\n{"json":`,
      );
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer.toLowerCase()).toContain("connection: close");
  });
});
