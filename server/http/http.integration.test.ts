/**
 * The app server's own HTTP layer on a real loopback socket (server/http): requests bridged to
 * the tRPC handler (guard refusals, bodies, streaming), and the order-book SSE fan-out, which
 * must send byte for byte what tRPC's SSE producer sends for the same updates.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { createTrpcHandler } from "../api/handler";
import { engineOnlyServices } from "../api/testing";
import { RateLimiter, rateLimitsFrom } from "../auth/rate-limit";
import { CallMemory } from "../auth/call-memory";
import type { AuthDeps } from "../auth/deps";
import { createMigratedTestDatabase, type TestDatabase } from "../db/testing";
import type { EngineRuntime } from "../engine/runtime";
import { priceToPerLot } from "../engine/market-config";
import { seedMarkets, startQuietRuntime, TRADERS } from "../engine/testing";
import { apiListener } from "./api-listener";
import { serveWithFetchHandler } from "./fetch-bridge";

const APP = "http://localhost:3620";
const serverUrl = inject("testDatabaseUrl");
const USDC = 1_000_000n;
const WETH = 10n ** 18n;
let t: TestDatabase;
let rt: EngineRuntime;
/** the app's routing: fan-out for feeds.book, tRPC for the rest */
let app: http.Server;
/** tRPC alone (every request through the bridge), to compare the fan-out against */
let plain: http.Server;
let bookStreamSubscribers: () => number;

function deps(): AuthDeps {
  return {
    db: t.handle.db,
    appUrl: new URL(APP),
    chainId: async () => 31337,
    now: () => new Date(),
    sessionSecret: "http-integration-test-secret-0123456789",
    sessionTtlSeconds: 3600,
    siweMaxAgeSeconds: 600,
    maxBodyBytes: 1024,
    adminAddress: TRADERS[0]!,
    limiter: new RateLimiter(),
    calls: new CallMemory(),
    limits: rateLimitsFrom({ signInPerMinute: 1000, ordersPerSecond: 1000 }),
  } as unknown as AuthDeps;
}

async function listen(listener: http.RequestListener): Promise<http.Server> {
  const server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

const urlOf = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

beforeAll(async () => {
  t = await createMigratedTestDatabase(serverUrl);
  await seedMarkets(t.handle.db);
  rt = await startQuietRuntime(t.handle.db);
  for (const a of TRADERS.slice(0, 2)) {
    await rt.submit({ type: "deposit", account: a, asset: "USDC", amount: 1_000_000n * USDC });
    await rt.submit({ type: "deposit", account: a, asset: "WETH", amount: 100n * WETH });
  }
  const services = engineOnlyServices(t.handle, () => rt, deps());
  const api = createTrpcHandler(services);
  const bridge = { origin: APP, maxBodyBytes: 1024 };
  const notFound = (_req: http.IncomingMessage, res: http.ServerResponse) => void res.writeHead(404).end();
  const listener = apiListener({ services, fallback: notFound });
  bookStreamSubscribers = listener.bookStreamSubscribers;
  app = await listen(listener);
  plain = await listen((req, res) => void serveWithFetchHandler(api, req, res, bridge));
});

afterAll(async () => {
  for (const s of [app, plain]) {
    s?.closeAllConnections();
    s?.close();
  }
  await rt?.stop();
  await t?.drop();
});

interface SseStream {
  /** raw text received so far */
  text(): string;
  /** data events received so far (the raw `data:` payloads) */
  data(): string[];
  close(): void;
}

function openSse(base: string, input: unknown): Promise<SseStream> {
  const path = `/api/trpc/feeds.book?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { headers: { accept: "text/event-stream" } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`));
      expect(res.headers["content-type"]).toBe("text/event-stream");
      res.setEncoding("utf8");
      let text = "";
      res.on("data", (chunk: string) => (text += chunk));
      resolve({
        text: () => text,
        data: () => [...text.matchAll(/^data: (.+)$/gm)].map((m) => m[1]!).filter((d) => d !== "{}"),
        close: () => req.destroy(),
      });
    });
    req.on("error", reject);
  });
}

async function until(what: string, probe: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe(`the app server's HTTP layer (${serverUrl ? "PostgreSQL" : "PGlite"}, loopback sockets)`, () => {
  it("feeds.book through the fan-out sends what tRPC sends: the connected event, the snapshot, then the same diff bytes to every subscriber", async () => {
    const input = { market: "WETH-USDC" };
    const viaTrpc = await openSse(urlOf(plain), input);
    const fanned = [await openSse(urlOf(app), input), await openSse(urlOf(app), input)];
    await until("three snapshots", () => [viaTrpc, ...fanned].every((s) => s.data().length === 1));
    expect(bookStreamSubscribers()).toBe(2);
    for (const s of fanned) expect(s.text().startsWith("event: connected\ndata: {}\n\n\n")).toBe(true);
    expect(viaTrpc.text().startsWith("event: connected\ndata: {}\n\n\n")).toBe(true);

    const m = rt.market("WETH-USDC")!;
    await rt.submit({
      type: "place",
      account: TRADERS[0]!,
      market: "WETH-USDC",
      side: "buy",
      kind: "limit",
      sizeBase: WETH / 100n,
      pricePerLot: priceToPerLot(m, 2_000n * USDC),
    });
    await until("a diff at every subscriber", () => [viaTrpc, ...fanned].every((s) => s.data().length >= 2));

    const [tr, a, b] = [viaTrpc, ...fanned].map((s) => s.data());
    expect(a!.length).toBeGreaterThanOrEqual(2);
    // the snapshot says the same (its timeMs is each subscriber's own connect time)
    const withoutTime = (d: string) => {
      const v = superjson.deserialize(JSON.parse(d)) as Record<string, unknown>;
      delete v.timeMs;
      return v;
    };
    expect(withoutTime(a![0]!)).toEqual(withoutTime(tr![0]!));
    // a diff is one object: identical bytes for every subscriber, identical to tRPC's framing
    expect(a!.slice(1)).toEqual(b!.slice(1));
    expect(a!.slice(1)).toEqual(tr!.slice(1));
    expect(fanned[0]!.text()).toContain(`${a![1]}\nid: `);
    // whole-token decimal strings, the symbols once on the envelope (server/services/market-wire.ts)
    expect(superjson.deserialize(JSON.parse(a![1]!))).toMatchObject({
      v: 1,
      kind: "diff",
      market: "WETH-USDC",
      base: "WETH",
      quote: "USDC",
      bids: [["2000", "0.01"]],
      asks: [],
    });

    for (const s of [viaTrpc, ...fanned]) s.close();
    await until("the fan-out's subscribers gone", () => bookStreamSubscribers() === 0);
  });

  it("bridges requests to tRPC: queries answered, and the guard's refusals (origin, content type, size) arrive as tRPC errors", async () => {
    const base = urlOf(app);
    const markets = await fetch(`${base}/api/trpc/markets.list`);
    expect(markets.status).toBe(200);
    const listed = superjson.deserialize((await markets.json()).result.data) as { symbol: string }[];
    expect(listed.map((x) => x.symbol)).toContain("WETH-USDC");

    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${base}/api/trpc/auth.nonce`, { method: "POST", headers, body });
    const json = { "content-type": "application/json" };
    const refusal = async (res: Response) => ({
      status: res.status,
      ...((await res.json()) as { error: { json: { message: string; data: { code: string } } } }).error.json,
    });

    const crossSite = await refusal(await post({ ...json, origin: "https://evil.example" }, "{}"));
    expect(crossSite).toMatchObject({ status: 403, data: { code: "FORBIDDEN" } });
    expect(crossSite.message).toMatch(/origin https:\/\/evil\.example may not call this API/);
    const form = await refusal(await post({ origin: APP, "content-type": "application/x-www-form-urlencoded" }, "a=1"));
    expect(form).toMatchObject({ status: 403, data: { code: "FORBIDDEN" } });
    expect(form.message).toMatch(/application\/json \(got application\/x-www-form-urlencoded\)/);
    const huge = await refusal(await post({ ...json, origin: APP }, JSON.stringify({ json: "x".repeat(5_000) })));
    expect(huge).toMatchObject({ status: 413, data: { code: "PAYLOAD_TOO_LARGE" } });
    expect(huge.message).toMatch(/limit is 1024 bytes/);

    // the same request, well formed, is answered (a nonce and the cookie-less session)
    const ok = await post({ ...json, origin: APP }, "{}");
    expect(ok.status).toBe(200);
    expect((superjson.deserialize((await ok.json()).result.data) as { nonce: string }).nonce).toMatch(
      /^[A-Za-z0-9]{8,}$/,
    );
  });
});
