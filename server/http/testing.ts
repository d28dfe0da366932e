/**
 * Helpers for the HTTP integration tests of issue 20: a seeded database and engine runtime, the
 * app server's API routing (api-listener.ts) on loopback ports with the auth settings a test
 * chooses, sessions written straight to the database, and calls as a client sends them.
 */
import http from "node:http";
import superjson from "superjson";
import type { Address } from "viem";
import { engineOnlyServices } from "../api/testing";
import type { AuthDeps } from "../auth/deps";
import { RateLimiter, rateLimitsFrom } from "../auth/rate-limit";
import { CallMemory } from "../auth/call-memory";
import { hashSessionToken, newSessionToken } from "../auth/session-token";
import { createMigratedTestDatabase, type TestDatabase } from "../db/testing";
import type { EngineRuntime } from "../engine/runtime";
import { seedMarkets, startQuietRuntime, TRADERS } from "../engine/testing";
import { apiListener } from "./api-listener";

export const APP = "http://localhost:3650";
export const USDC = 1_000_000n;
export const WETH = 10n ** 18n;
const SECRET = "http-harness-integration-test-secret-0123456789";

export interface ApiHarness {
  t: TestDatabase;
  rt: EngineRuntime;
  /** serves the API on `port` with these auth settings over the harness's database and runtime */
  listen(port: number, auth?: Partial<AuthDeps>): Promise<void>;
  /** a session cookie for `address` (a new session each call: the same user signed in again) */
  signedIn(address: Address): Promise<string>;
  close(): Promise<void>;
}

/** A database with the seeded markets, a quiet runtime, and 1M USDC and 100 WETH for TRADERS. */
export async function startApiHarness(serverUrl: string): Promise<ApiHarness> {
  const t = await createMigratedTestDatabase(serverUrl);
  await seedMarkets(t.handle.db);
  const rt = await startQuietRuntime(t.handle.db);
  for (const a of TRADERS) {
    await rt.submit({ type: "deposit", account: a, asset: "USDC", amount: 1_000_000n * USDC });
    await rt.submit({ type: "deposit", account: a, asset: "WETH", amount: 100n * WETH });
  }
  const servers: http.Server[] = [];
  return {
    t,
    rt,
    async listen(port, overrides = {}) {
      const auth = {
        db: t.handle.db,
        appUrl: new URL(APP),
        chainId: async () => 31337,
        now: () => new Date(),
        sessionSecret: SECRET,
        sessionTtlSeconds: 3600,
        siweMaxAgeSeconds: 600,
        maxBodyBytes: 65_536,
        adminAddress: TRADERS[0],
        limiter: new RateLimiter(),
        calls: new CallMemory(),
        limits: rateLimitsFrom({ signInPerMinute: 100_000, ordersPerSecond: 100_000 }),
        ...overrides,
      } as unknown as AuthDeps;
      const services = engineOnlyServices(t.handle, () => rt, auth);
      const notFound = (_req: http.IncomingMessage, res: http.ServerResponse) => void res.writeHead(404).end();
      const server = http.createServer(apiListener({ services, fallback: notFound }));
      await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
      servers.push(server);
    },
    async signedIn(address) {
      // concurrent sign-ins of one new user: an upsert reads then inserts and races on PostgreSQL
      await t.handle.db.user.createMany({ data: [{ address }], skipDuplicates: true });
      const user = await t.handle.db.user.findUniqueOrThrow({ where: { address } });
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
    },
    async close() {
      for (const s of servers) {
        s.closeAllConnections();
        s.close();
      }
      await rt.stop();
      await t.drop();
    },
  };
}

export interface Reply {
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

/** A tRPC answer read as the client would: status, headers, the call's error or its data. */
export async function reply(res: Response): Promise<Reply> {
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

/** A POST of `body` (raw text) to /api/trpc/<path>, from our origin as JSON unless told otherwise. */
export async function post(
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

/** A mutation as the app's client sends it (superjson). */
export const call = (port: number, procedure: string, input: unknown, cookie?: string) =>
  post(port, procedure, JSON.stringify(superjson.serialize(input)), { cookie });

/** An orders.place input: a 0.01 WETH limit buy at 2000 USDC with a fresh key, changed by `over`. */
export const placeInput = (over: Record<string, unknown> = {}) => ({
  idempotencyKey: `k-${Math.random().toString(36).slice(2, 14)}`,
  market: "WETH-USDC",
  side: "buy",
  type: "limit",
  size: WETH / 100n,
  price: 2_000n * USDC,
  ...over,
});
