/**
 * PERFORMANCE row 6: order-book fan-out over SSE — 1,000 subscribers to `feeds.book` (the tRPC
 * httpSubscriptionLink protocol: `GET /api/trpc/feeds.book?input=…` with
 * `Accept: text/event-stream`, one raw node:http stream each) on the real stack, while a driver
 * places resting orders (bench/lib/orders.ts restingOrders) so the book changes in every 100 ms
 * batch. Each update carries `timeMs`, the server's clock when the hub produced it; delivery
 * latency = the subscriber's receive time (same machine, same clock) − timeMs. Absolute target: p99 <= 150 ms over every
 * diff delivered to every subscriber.
 *
 *   npx tsx bench/service-sse.ts [--quick]      (or `npm run bench -- service`)
 */
import { randomBytes } from "node:crypto";
import { openLoop } from "./lib/load";
import { MARKET, restingOrders, USDC, WETH } from "./lib/orders";
import { subscribe, type SseSubscriber } from "./lib/sse";
import { startBenchStack } from "./lib/stack";
import { machine, percentile } from "./lib/stats";
import { prepareTraders } from "./lib/traders";
import { TrpcHttp } from "./lib/trpc-http";
import type { BenchGroup, BenchOptions, BenchRow } from "./types";
import { runIfMain } from "./lib/standalone";

const CHAIN_PORT = 8661;
const APP_PORT = 3661;
const SUBSCRIBERS = 1_000;
const DRIVER_RATE = 200; // orders/s: every 100 ms batch changes the book
const TARGET_P99_MS = 150;

export const sseBench: BenchGroup = async (options: BenchOptions): Promise<BenchRow[]> => {
  const subscribers = options.quick ? 200 : SUBSCRIBERS;
  const durationMs = options.quick ? 5_000 : 30_000;
  const host = machine();
  const stack = await startBenchStack({
    name: "sse",
    chainPort: CHAIN_PORT,
    appPort: APP_PORT,
    env: { RATE_LIMIT_ORDERS_PER_SECOND: "1000000" },
  });
  const api = new TrpcHttp(stack.appUrl, { maxSockets: 16 });
  const subs: SseSubscriber[] = [];
  try {
    const [maker] = await prepareTraders(api, stack.rpcUrl, [2], { USDC: 200_000n * USDC, WETH: 200n * WETH });
    const latencies: number[] = [];
    const perSub = new Array<number>(subscribers).fill(0);
    const ended: string[] = [];
    let measuring = false;
    for (let i = 0; i < subscribers; i += 100) {
      const chunk: SseSubscriber[] = [];
      for (let j = i; j < Math.min(subscribers, i + 100); j++) {
        const n = j;
        chunk.push(
          subscribe(
            stack.appUrl,
            "feeds.book",
            { market: MARKET },
            (json, at) => {
              const u = json as { kind: string; timeMs: string };
              if (!measuring || u.kind !== "diff") return;
              latencies.push(at - Number(u.timeMs));
              perSub[n]!++;
            },
            (why) => ended.push(why),
          ),
        );
      }
      await Promise.all(chunk.map((s) => s.first)); // every subscriber has its snapshot
      subs.push(...chunk);
    }

    const tag = randomBytes(4).toString("hex");
    const orders = restingOrders(maker!.cookie, Math.ceil((DRIVER_RATE * durationMs) / 1000), tag, 0);
    measuring = true;
    const started = Date.now();
    const driven = await openLoop(api, orders, DRIVER_RATE, durationMs);
    await new Promise((r) => setTimeout(r, 500)); // the last batches arrive
    measuring = false;
    const windowS = (Date.now() - started) / 1000;

    const p50 = percentile(latencies, 0.5);
    const p99 = percentile(latencies, 0.99);
    const max = latencies.reduce((m, x) => (x > m ? x : m), 0);
    const diffsPerSub = percentile(perSub, 0.5);
    const silent = perSub.filter((c) => c === 0).length;
    const errors = [...driven.errors].map(([k, v]) => `${v}x ${k}`).join("; ");
    return [
      {
        metric: "sse.p99_ms",
        unit: "ms",
        ours: p99,
        peer: null,
        ratio: null,
        target: `<= ${TARGET_P99_MS} ms`,
        pass: p99 <= TARGET_P99_MS && silent === 0 && ended.length === 0,
        // the driver's orders are committed where the stack stores (PGlite unless BENCH_DATABASE_URL)
        durability: stack.durability,
        note:
          `${host}; real stack (server/main.ts, ${stack.database}); ${subscribers} SSE subscribers to feeds.book ${MARKET} (raw node:http streams), ` +
          `driver ${driven.ok} orders due at ${DRIVER_RATE}/s over ${(durationMs / 1000).toFixed(0)} s (all answered after ${(driven.elapsedMs / 1000).toFixed(1)} s); ` +
          `${latencies.length} diffs delivered in ${windowS.toFixed(1)} s (median ${diffsPerSub} per subscriber, ${(diffsPerSub / windowS).toFixed(1)}/s); p50 ${p50.toFixed(1)} ms, max ${max.toFixed(0)} ms; ` +
          `latency = receive time − the hub's timeMs` +
          (silent ? `; ${silent} subscribers got no diff` : "") +
          (ended.length ? `; ${ended.length} streams ended early (${ended[0]})` : "") +
          (errors ? `; driver errors: ${errors}` : ""),
      },
    ];
  } finally {
    for (const s of subs) s.close();
    api.close();
    await stack.stop();
  }
};

runIfMain(import.meta.url, sseBench);
