/**
 * Issue 14: the API's HTTP entry — our bridge (server/http/fetch-bridge.ts: Node request → fetch
 * `Request` → tRPC's fetch adapter → `Response` streamed back) against tRPC's own Node adapter
 * (`@trpc/server/adapters/standalone` `createHTTPHandler`, i.e. `nodeHTTPRequestHandler`).
 *
 * One process serves the same app router over the same services (engine-only test services over a
 * fresh file-backed PGlite, no chain: server/api/testing.ts) four ways, each on its own loopback
 * port:
 *   A  (8950) the app's routing as production uses it: `apiListener` (server/http/api-listener.ts),
 *      so a plain `orders.place` takes the direct order entry (ADR 0006) and the rest the bridge;
 *   A' (8951) the bridge alone: every request through `serveWithFetchHandler(createTrpcHandler())`;
 *   B  (8952) tRPC's Node adapter with the same context: the request guard's header checks and
 *      body limit (`headerRefusal`, `maxBodySize`), `createContext(headers with the socket address
 *      appended to X-Forwarded-For, resHeaders, services)`, resHeaders returned through
 *      `responseMeta`, the same two security headers and 404 outside /api/trpc/;
 *   B' (8953) B with the body read first (the bridge's `readBody`, handed to the adapter as
 *      `req.body`): whether the adapter's streamed request body is what it costs.
 * Everything is imported from server/; nothing of it is copied.
 *
 * The client is bench/lib/http-pool.ts (prepared request bytes on CONCURRENCY keep-alive
 * sockets, closed loop) on a worker thread of this process, so the server thread is not shared
 * with the load generator. Workloads:
 *   query    GET auth.me, signed out (the cheapest procedure: what the HTTP entry itself costs);
 *   refused  POST orders.place, signed out, 281-byte superjson body: the guard passes, the
 *            procedure's auth middleware refuses it (401) — a mutation's body and error path;
 *   order    POST orders.place, signed in (8 accounts, the service bench's crossing mix of GTC
 *            makers and IOC takers, every order a new idempotency key): the engine runs and each
 *            answer waits for its journal commit on PGlite.
 * Each round runs every workload on A, A', B and B' for a window each (2 s), their order rotated
 * every round (A A' B B', A' B B' A, …), after one warm-up window each. Reported per path: the
 * median over rounds of requests/s, p50/p99 over every request of every round, and the server
 * thread's CPU time per answer (process.threadCpuUsage: the figure the other tenants of a shared
 * machine disturb least); ratios against A' (and B/A) are medians of the per-round ratios, with
 * their range: the noise.
 *
 *   npx tsx bench/http-adapter.ts [--quick]      (or `npm run bench -- http`)
 */
import net from "node:net";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { isMainThread, parentPort, Worker } from "node:worker_threads";
import { HttpPool } from "./lib/http-pool";
import { runIfMain } from "./lib/standalone";
import type { BenchGroup, BenchOptions, BenchRow } from "./types";

const PORTS = { A: 8950, "A'": 8951, B: 8952, "B'": 8953 } as const;
type Path = keyof typeof PORTS;
const PATHS: readonly Path[] = ["A", "A'", "B", "B'"];
const PATH_NAMES: Record<Path, string> = {
  A: "A  app routing (apiListener)",
  "A'": "A' bridge alone (fetch adapter)",
  B: "B  tRPC node adapter",
  "B'": "B' node adapter, body read first",
};
const CONCURRENCY = 32;
const APP = "http://localhost:3000";
const SECRET = "http-adapter-bench-secret-0123456789abcdef";

// ---------------------------------------------------------------------------------------------
// the client (worker thread)

interface RunRequest {
  port: number;
  /** sent in turn; `cycle`: from the start again when all were sent, else the window ends early */
  requests: Uint8Array[];
  cycle: boolean;
  durationMs: number;
}

interface RunResult {
  elapsedMs: number;
  latenciesMs: Float64Array;
  /** "200" / "401" / "error: …" → count */
  statuses: [string, number][];
  /** the first answer's body for every status */
  samples: [string, string][];
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const pools = new Map<number, HttpPool>();
  port.on("message", (m: RunRequest) => {
    void (async () => {
      let pool = pools.get(m.port);
      if (!pool) pools.set(m.port, (pool = new HttpPool("127.0.0.1", m.port, CONCURRENCY)));
      const requests = m.requests.map((r) => Buffer.from(r.buffer, r.byteOffset, r.byteLength));
      const latencies: number[] = [];
      const statuses = new Map<string, number>();
      const samples = new Map<string, string>();
      let next = 0;
      const t0 = performance.now();
      const stopAt = t0 + m.durationMs;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (performance.now() < stopAt && (m.cycle || next < requests.length)) {
            const request = requests[next++ % requests.length]!;
            const s = performance.now();
            let key: string;
            let body = "";
            try {
              const a = await pool.send(request);
              key = String(a.status);
              body = a.body;
            } catch (e) {
              key = `error: ${(e as Error).message}`;
            }
            latencies.push(performance.now() - s);
            statuses.set(key, (statuses.get(key) ?? 0) + 1);
            if (!samples.has(key)) samples.set(key, body);
          }
        }),
      );
      const result: RunResult = {
        elapsedMs: performance.now() - t0,
        latenciesMs: Float64Array.from(latencies),
        statuses: [...statuses],
        samples: [...samples],
      };
      port.postMessage(result, [result.latenciesMs.buffer as ArrayBuffer]);
    })();
  });
}

// ---------------------------------------------------------------------------------------------
// the servers and the measurement (main thread)

interface Workload {
  name: "query" | "refused" | "order";
  what: string;
  /** the status every answer must have */
  expect: number;
  /** the requests of one window (fresh ones each time when they must be unique) */
  requests(count: number): Uint8Array[];
  cycle: boolean;
}

interface PathStats {
  rps: number[];
  /** the server thread's CPU time per answer, µs, each round */
  cpuUs: number[];
  /** the server thread's CPU time / wall time, each round */
  cpuShare: number[];
  latencies: number[];
  statuses: Map<string, number>;
  samples: Map<string, string>;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1]!;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");

export const httpAdapterBench: BenchGroup = async (options: BenchOptions): Promise<BenchRow[]> => {
  const rounds = options.quick ? 2 : 12;
  const windowMs = options.quick ? 1_000 : 2_000;
  const warmMs = options.quick ? 500 : 2_000;

  const [
    http,
    { getAddress },
    superjson,
    { createHTTPHandler },
    { engineOnlyServices },
    { createTrpcHandler, TRPC_ENDPOINT },
    { createContext },
    { appRouter },
    { headerRefusal, tooLargeError },
    { RateLimiter, rateLimitsFrom },
    { CallMemory },
    { hashSessionToken, newSessionToken },
    { createMigratedTestDatabase },
    { seedMarkets, startQuietRuntime },
    { apiListener },
    { readBody, requestHeaders, serveWithFetchHandler },
    { requestBytes },
    { crossingOrders },
    { machine },
    { PGLITE_DURABILITY },
  ] = await Promise.all([
    import("node:http"),
    import("viem"),
    import("superjson"),
    import("@trpc/server/adapters/standalone"),
    import("../server/api/testing"),
    import("../server/api/handler"),
    import("../server/api/context"),
    import("../server/api/root"),
    import("../server/auth/request-guard"),
    import("../server/auth/rate-limit"),
    import("../server/auth/call-memory"),
    import("../server/auth/session-token"),
    import("../server/db/testing"),
    import("../server/engine/testing"),
    import("../server/http/api-listener"),
    import("../server/http/fetch-bridge"),
    import("./lib/http-pool"),
    import("./lib/orders"),
    import("./lib/stats"),
    import("./lib/durability"),
  ]);
  type AuthDeps = import("../server/auth/deps").AuthDeps;
  type IncomingMessage = import("node:http").IncomingMessage;
  type ServerResponse = import("node:http").ServerResponse;

  const host = machine();
  const t = await createMigratedTestDatabase("");
  const servers: import("node:http").Server[] = [];
  let worker: Worker | null = null;
  let rt: Awaited<ReturnType<typeof startQuietRuntime>> | null = null;
  try {
    await seedMarkets(t.handle.db);
    rt = await startQuietRuntime(t.handle.db);
    const runtime = rt;
    const auth = {
      db: t.handle.db,
      appUrl: new URL(APP),
      chainId: async () => 31337,
      now: () => new Date(),
      sessionSecret: SECRET,
      sessionTtlSeconds: 3600,
      siweMaxAgeSeconds: 600,
      maxBodyBytes: 65_536,
      adminAddress: getAddress("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"),
      limiter: new RateLimiter(),
      calls: new CallMemory(),
      limits: rateLimitsFrom({ signInPerMinute: 1_000_000, ordersPerSecond: 1_000_000 }),
    } as unknown as AuthDeps;
    const services = engineOnlyServices(t.handle, () => runtime, auth);

    // eight funded accounts with a session each: four makers, four takers (no self-trades)
    const accounts = Array.from({ length: 8 }, (_, i) =>
      getAddress(`0x${(0xbe0c0 + i).toString(16).padStart(40, "0")}`),
    );
    const cookies: string[] = [];
    for (const address of accounts) {
      await runtime.submit({ type: "deposit", account: address, asset: "USDC", amount: 10n ** 9n * 10n ** 6n });
      await runtime.submit({ type: "deposit", account: address, asset: "WETH", amount: 10n ** 6n * 10n ** 18n });
      const user = await t.handle.db.user.upsert({ where: { address }, create: { address }, update: {} });
      const token = newSessionToken();
      await t.handle.db.session.create({
        data: {
          tokenHash: hashSessionToken(token, SECRET),
          userId: user.id,
          address,
          expiresAt: new Date(Date.now() + 24 * 3_600_000),
        },
      });
      cookies.push(`clearline_session=${token}`);
    }

    // --- the four entries
    const apiPrefix = TRPC_ENDPOINT + "/";
    const notFound = (_req: IncomingMessage, res: ServerResponse) => void res.writeHead(404).end();
    /** what apiListener does before routing, so the four differ only in how tRPC is reached */
    const apiOnly =
      (serve: (req: IncomingMessage, res: ServerResponse) => void) => (req: IncomingMessage, res: ServerResponse) => {
        if (!req.url?.startsWith(apiPrefix)) return notFound(req, res);
        res.setHeader("x-content-type-options", "nosniff");
        res.setHeader("referrer-policy", "strict-origin-when-cross-origin");
        serve(req, res);
      };
    const guard = { appOrigin: auth.appUrl.origin, maxBodyBytes: auth.maxBodyBytes };
    const fetchHandler = createTrpcHandler(services);
    const nodeAdapter = createHTTPHandler({
      router: appRouter,
      basePath: apiPrefix,
      maxBodySize: auth.maxBodyBytes,
      createContext: ({ req }) => {
        if (req.method === "POST") {
          const refused = headerRefusal((name) => req.headers[name] as string | undefined, guard);
          if (refused) throw refused;
          // B': the body was read before the adapter ran (its limit, maxBodySize, applies only to a stream)
          const read = (req as IncomingMessage & { body?: string }).body;
          if (read !== undefined && Buffer.byteLength(read) > guard.maxBodyBytes) throw tooLargeError(guard);
        }
        return createContext(requestHeaders(req), new Headers(), services);
      },
      responseMeta: ({ ctx }) => ({ headers: ctx?.resHeaders }),
      onError({ path, error }) {
        if (error.code === "INTERNAL_SERVER_ERROR") console.error(`[trpc] ${path ?? "?"}:`, error.cause ?? error);
      },
    });
    const listeners: Record<Path, import("node:http").RequestListener> = {
      A: apiListener({ services, fallback: notFound }),
      "A'": apiOnly(
        (req, res) =>
          void serveWithFetchHandler(fetchHandler, req, res, { origin: APP, maxBodyBytes: auth.maxBodyBytes }),
      ),
      B: apiOnly((req, res) => nodeAdapter(req, res)),
      // the adapter given the body as a string (`req.body`, which it passes to its Request as is)
      // instead of the stream it builds from Node's request: the one piece of the bridge kept
      "B'": apiOnly((req, res) => {
        if (req.method === "GET" || req.method === "HEAD") return nodeAdapter(req, res);
        readBody(req, auth.maxBodyBytes + 1).then(
          (body) => {
            (req as IncomingMessage & { body?: string }).body = body.toString("utf8");
            nodeAdapter(req, res);
          },
          () => res.destroy(),
        );
      }),
    };
    for (const p of PATHS) {
      const server = http.createServer({ keepAliveTimeout: 60_000 }, listeners[p]);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(PORTS[p], "127.0.0.1", resolve);
      });
      servers.push(server);
    }

    // --- the workloads
    const hostHeader = "localhost:3000";
    const post = (path: string, body: string, cookie: string | null) =>
      requestBytes(
        "POST",
        `${apiPrefix}${path}`,
        { host: hostHeader, "content-type": "application/json", origin: APP, ...(cookie ? { cookie } : {}) },
        body,
      );
    const meBytes = requestBytes("GET", `${apiPrefix}auth.me`, { host: hostHeader }, null);
    const refusedBody = JSON.stringify(
      superjson.serialize({
        idempotencyKey: "bench-http-adapter-signed-out-0001",
        market: "WETH-USDC",
        side: "buy",
        type: "limit",
        size: 10n ** 16n,
        price: 3000n * 10n ** 6n,
        timeInForce: "GTC",
        clientOrderId: "bench-http-adapter",
      }),
    );
    const refusedBytes = post("orders.place", refusedBody, null);
    let orderSeq = 0;
    const tag = `${Date.now().toString(36)}`;
    const workloads: Workload[] = [
      {
        name: "query",
        what: "GET auth.me, signed out",
        expect: 200,
        requests: () => [meBytes],
        cycle: true,
      },
      {
        name: "refused",
        what: `POST orders.place, signed out (${refusedBytes.byteLength}-byte request, ${Buffer.byteLength(refusedBody)}-byte JSON body): refused 401 by the procedure's auth`,
        expect: 401,
        requests: () => [refusedBytes],
        cycle: true,
      },
      {
        name: "order",
        what: "POST orders.place, signed in (crossing GTC/IOC mix on WETH-USDC, 8 accounts, new idempotency key each): engine + journal commit on PGlite",
        expect: 200,
        requests: (count) => {
          const list = crossingOrders(cookies.slice(0, 4), cookies.slice(4), count, tag, orderSeq);
          orderSeq += count;
          return list.map((r) => post(r.path, r.body, r.cookie));
        },
        cycle: false,
      },
    ];

    // --- the same answers from every entry (bodies of the order differ: ids and sequence numbers)
    const sameAnswers: string[] = [];
    for (const w of workloads) {
      const answers: string[] = [];
      for (const p of PATHS) {
        const [request] = w.requests(1);
        const r = await fetchRaw(PORTS[p], request!);
        if (r.status !== w.expect)
          throw new Error(`${w.name} on ${p}: HTTP ${r.status}, expected ${w.expect}: ${r.body.slice(0, 300)}`);
        answers.push(w.name === "order" ? String(r.status) : `${r.status} ${r.contentType} ${r.body}`);
      }
      sameAnswers.push(`${w.name} ${answers.every((a) => a === answers[0]) ? "identical" : "DIFFERENT"}`);
    }

    // --- the client
    // this file again on a thread of its own, with tsx's loader registered there first
    // (bench/lib/http-pool.ts is more TypeScript than Node's own type stripping takes)
    const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
    worker = new Worker(
      `import(${tsx}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`,
      { eval: true },
    );
    const client = worker;
    /** One window: the client's result and the server thread's CPU time meanwhile. */
    const run = (port: number, w: Workload, durationMs: number) => {
      // sized for up to 20,000 answers/s; an order window that runs out ends early (elapsed is measured)
      const requests = w.requests(w.cycle ? 1 : Math.ceil((20_000 * durationMs) / 1000));
      return new Promise<RunResult & { cpuUs: number }>((resolve, reject) => {
        const failed = (e: Error) => reject(e);
        client.once("error", failed);
        client.postMessage({ port, requests, cycle: w.cycle, durationMs } satisfies RunRequest);
        // after the (synchronous) copy of the requests: from here this thread only serves
        const cpu0 = process.threadCpuUsage();
        client.once("message", (r: RunResult) => {
          const cpu = process.threadCpuUsage(cpu0);
          client.off("error", failed);
          resolve({ ...r, cpuUs: cpu.user + cpu.system });
        });
      });
    };

    const stats = new Map<string, PathStats>();
    const key = (w: Workload, p: Path) => `${w.name}/${p}`;
    const loadAtStart = os.loadavg();
    for (const w of workloads) for (const p of PATHS) await run(PORTS[p], w, warmMs);
    for (let round = 0; round < rounds; round++) {
      const order = PATHS.map((_, i) => PATHS[(i + round) % PATHS.length]!);
      for (const w of workloads) {
        for (const p of order) {
          const r = await run(PORTS[p], w, windowMs);
          const s: PathStats = stats.get(key(w, p)) ?? {
            rps: [],
            cpuUs: [],
            cpuShare: [],
            latencies: [],
            statuses: new Map(),
            samples: new Map(),
          };
          const answered = r.statuses.reduce((n, [, c]) => n + c, 0);
          s.rps.push(answered / (r.elapsedMs / 1000));
          s.cpuUs.push(r.cpuUs / answered);
          s.cpuShare.push(r.cpuUs / 1000 / r.elapsedMs);
          for (const l of r.latenciesMs) s.latencies.push(l);
          for (const [k, c] of r.statuses) s.statuses.set(k, (s.statuses.get(k) ?? 0) + c);
          for (const [k, b] of r.samples) if (!s.samples.has(k)) s.samples.set(k, b);
          stats.set(key(w, p), s);
        }
      }
      console.error(`  round ${round + 1}/${rounds} done (load avg ${os.loadavg()[0]!.toFixed(2)})`);
    }
    const loadAtEnd = os.loadavg();

    // --- the report
    const lines: string[] = [];
    const perRoundLines: string[] = [];
    const rows: BenchRow[] = [];
    const loads = `load avg (1/5/15 min) ${loadAtStart.map((l) => l.toFixed(2)).join("/")} at start, ${loadAtEnd.map((l) => l.toFixed(2)).join("/")} at end`;
    const range = (r: { med: number; min: number; max: number }) =>
      `${r.med.toFixed(3)} (${r.min.toFixed(3)}–${r.max.toFixed(3)})`;
    lines.push(
      `machine: ${host}; ${loads}`,
      `method: one process, four loopback servers over one app router and one set of engine-only services (fresh file-backed PGlite, no chain); client bench/lib/http-pool.ts on a worker thread, ${CONCURRENCY} keep-alive connections, closed loop; ${rounds} rounds x ${windowMs / 1000} s per path and workload, order rotated each round, after a ${warmMs / 1000} s warm-up each`,
      `server CPU = the server thread's CPU time (process.threadCpuUsage) per answer; the client runs on another thread. thread busy = that CPU time / the window's wall time (below 100 %: the server thread was not what limited req/s). Ratios are medians of the per-round ratios, (min–max) over the ${rounds} rounds`,
      `answers before timing (status, content type, body): ${sameAnswers.join(", ")}`,
      "",
      "workload  path                                req/s   p50 ms  p99 ms  CPU us/req  thread busy  this/A' req/s         this/A' CPU/req",
    );
    for (const w of workloads) {
      /** num/den of each round's figures */
      const ratioOf = (num: Path, den: Path, field: "rps" | "cpuUs") => {
        const n = stats.get(key(w, num))![field];
        const d = stats.get(key(w, den))![field];
        const rs = n.map((x, i) => x / d[i]!);
        return { med: median(rs), min: Math.min(...rs), max: Math.max(...rs) };
      };
      type Summary = { rps: number; p50: number; p99: number; cpu: number };
      const summary = new Map<Path, Summary>();
      for (const p of PATHS) {
        const s = stats.get(key(w, p))!;
        const sorted = Float64Array.from(s.latencies).sort();
        const sum = {
          rps: median(s.rps),
          p50: quantile(sorted, 0.5),
          p99: quantile(sorted, 0.99),
          cpu: median(s.cpuUs),
        };
        summary.set(p, sum);
        lines.push(
          [
            w.name.padEnd(8),
            PATH_NAMES[p].padEnd(33),
            int(sum.rps).padStart(6),
            sum.p50.toFixed(2).padStart(7),
            sum.p99.toFixed(2).padStart(6),
            sum.cpu.toFixed(1).padStart(10),
            `${(median(s.cpuShare) * 100).toFixed(0)} %`.padStart(11),
            p === "A'" ? "".padEnd(20) : range(ratioOf(p, "A'", "rps")).padEnd(20),
            p === "A'" ? "" : range(ratioOf(p, "A'", "cpuUs")),
          ]
            .join("  ")
            .trimEnd(),
        );
        perRoundLines.push(
          `${w.name.padEnd(8)}  ${p.padEnd(2)}  ${s.cpuUs.map((x) => x.toFixed(0).padStart(4)).join(" ")}   |  ${s.rps.map((x) => int(x).padStart(5)).join(" ")}`,
        );
        const unexpected = [...s.statuses].filter(([k]) => k !== String(w.expect));
        if (unexpected.length)
          lines.push(
            `          UNEXPECTED answers on ${p}: ${unexpected.map(([k, c]) => `${c}x ${k} ${(s.samples.get(k) ?? "").slice(0, 200)}`).join("; ")}`,
          );
      }
      const errors = PATHS.flatMap((p) =>
        [...stats.get(key(w, p))!.statuses].filter(([k]) => k !== String(w.expect)).map(([k, c]) => `${p}: ${c}x ${k}`),
      );
      const adapter = summary.get("B")!;
      const detail = (s: Summary) =>
        `${int(s.rps)}/s, p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, ${s.cpu.toFixed(1)} us CPU/req`;
      const common = `${w.what}; ${host}; ${loads}; ${CONCURRENCY} connections, ${rounds} rounds x ${windowMs / 1000} s, rotated`;
      // only the order's answers wait for commits (file-backed PGlite, as every path here)
      const durability = w.name === "order" ? { durability: PGLITE_DURABILITY } : {};
      for (const p of ["A'", "A"] as const) {
        const ours = summary.get(p)!;
        const suffix = p === "A" ? ".app" : "";
        const who =
          p === "A"
            ? `A app routing (apiListener: ${w.name === "query" ? "the bridge" : "the direct order entry"})`
            : "A' bridge alone";
        const why =
          `ours = ${who} ${detail(ours)}; peer = B tRPC node adapter ${detail(adapter)}; ` +
          `per round B/${p} req/s ${range(ratioOf("B", p, "rps"))}, CPU/req ${range(ratioOf("B", p, "cpuUs"))}` +
          (p === "A'"
            ? `; B' (node adapter, body read first) ${detail(summary.get("B'")!)}, B'/A' CPU/req ${range(ratioOf("B'", "A'", "cpuUs"))}`
            : "") +
          (p === "A'" ? `; ${common}` : "") +
          (errors.length && p === "A'" ? `; UNEXPECTED: ${errors.join("; ")}` : "");
        rows.push({
          metric: `http.${w.name}.cpu_us_per_req${suffix}`,
          unit: "us",
          ours: ours.cpu,
          peer: adapter.cpu,
          ratio: adapter.cpu / ours.cpu,
          target: "information",
          pass: null,
          ...durability,
          note: why,
        });
        rows.push({
          metric: `http.${w.name}.req_per_s${suffix}`,
          unit: "req/s",
          ours: ours.rps,
          peer: adapter.rps,
          ratio: ours.rps / adapter.rps,
          target: "information",
          pass: null,
          ...durability,
        });
      }
    }
    lines.push(
      "",
      "each round, in order: server CPU us/req  |  req/s",
      ...perRoundLines,
      "",
      `workloads: ${workloads.map((w) => `${w.name} = ${w.what}`).join("; ")}`,
    );
    // the detailed table goes with the progress lines (stderr), so `npm run bench -- http` shows it too
    console.error(lines.join("\n") + "\n");
    return rows;
  } finally {
    await worker?.terminate();
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    await rt?.stop();
    await t.drop();
  }
};

/** One request on a fresh socket (the bytes the load generator sends): status, content type, body. */
function fetchRaw(port: number, request: Uint8Array): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => {
      chunks.push(c);
      const text = Buffer.concat(chunks).toString("utf8");
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = text.slice(0, end).toLowerCase();
      const rest = text.slice(end + 4);
      let body: string | null = null;
      const cl = /\r\ncontent-length: *(\d+)/.exec(head);
      if (cl) body = Buffer.byteLength(rest) >= Number(cl[1]) ? rest : null;
      else if (rest.endsWith("0\r\n\r\n")) {
        body = "";
        let at = 0;
        for (;;) {
          const lineEnd = rest.indexOf("\r\n", at);
          const size = parseInt(rest.slice(at, lineEnd), 16);
          if (!size) break;
          body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
          at = lineEnd + 2 + size + 2;
        }
      }
      if (body === null) return;
      socket.destroy();
      resolve({
        status: Number(head.slice(9, 12)),
        contentType: /\r\ncontent-type: *([^\r\n]*)/.exec(head)?.[1] ?? "",
        body,
      });
    });
    socket.on("error", reject);
    socket.write(request);
  });
}

if (isMainThread) runIfMain(import.meta.url, httpAdapterBench);
