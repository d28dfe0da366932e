/**
 * HTTP load generation for the end-to-end bench: prepared request bodies sent over keep-alive
 * sockets, closed loop (a fixed number in flight: the throughput) or open loop (a fixed arrival
 * rate: the latency at that rate, measured from the moment each request was due, so a stalled
 * server cannot hide its queue — no coordinated omission). Requests are turned into bytes before
 * the clock starts and sent on bench/lib/http-pool.ts's connections.
 */
import { performance } from "node:perf_hooks";
import type { TrpcHttp } from "./trpc-http";

export interface LoadRequest {
  path: string;
  body: string;
  cookie: string;
}

export interface LoadResult {
  /** requests answered (any status) */
  sent: number;
  /** HTTP 200 */
  ok: number;
  /** status or error message -> count, for everything else */
  errors: Map<string, number>;
  latenciesMs: number[];
  elapsedMs: number;
  /** the answers' bodies, in the order of `requests` (only for those sent) */
  bodies: string[];
}

function record(result: LoadResult, i: number, status: number | string, body: string, latency: number) {
  result.sent++;
  result.latenciesMs.push(latency);
  result.bodies[i] = body;
  if (status === 200) result.ok++;
  else {
    const k = typeof status === "number" ? `HTTP ${status}: ${body.slice(0, 160)}` : status;
    result.errors.set(k, (result.errors.get(k) ?? 0) + 1);
  }
}

function empty(): LoadResult {
  return { sent: 0, ok: 0, errors: new Map(), latenciesMs: [], elapsedMs: 0, bodies: [] };
}

/** `concurrency` requests in flight until all are answered or `timeLimitMs` passed (then no new ones start). */
export async function closedLoop(
  api: TrpcHttp,
  requests: readonly LoadRequest[],
  concurrency: number,
  timeLimitMs: number,
): Promise<LoadResult> {
  const result = empty();
  const bytes = requests.map((r) => api.prepare(r.path, r.body, r.cookie));
  let next = 0;
  const t0 = performance.now();
  const stopAt = t0 + timeLimitMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length && performance.now() < stopAt) {
        const i = next++;
        const s = performance.now();
        try {
          const a = await api.sendPrepared(bytes[i]!);
          record(result, i, a.status, a.body, performance.now() - s);
        } catch (e) {
          record(result, i, (e as Error).message, "", performance.now() - s);
        }
      }
    }),
  );
  result.elapsedMs = performance.now() - t0;
  return result;
}

/** Requests issued at `ratePerSec` (in 1 ms-scheduled bursts) for at most `durationMs`; latency from each request's due time. */
export async function openLoop(
  api: TrpcHttp,
  requests: readonly LoadRequest[],
  ratePerSec: number,
  durationMs: number,
): Promise<LoadResult> {
  const result = empty();
  const total = Math.min(requests.length, Math.floor((ratePerSec * durationMs) / 1000));
  const bytes = requests.slice(0, total).map((r) => api.prepare(r.path, r.body, r.cookie));
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  let issued = 0;
  while (issued < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - t0) * ratePerSec) / 1000) + 1);
    for (; issued < due; issued++) {
      const i = issued;
      const dueAt = t0 + (i * 1000) / ratePerSec;
      inflight.push(
        api.sendPrepared(bytes[i]!).then(
          (a) => record(result, i, a.status, a.body, performance.now() - dueAt),
          (e: unknown) => record(result, i, (e as Error).message, "", performance.now() - dueAt),
        ),
      );
    }
    await new Promise((res) => setTimeout(res, 1));
  }
  await Promise.all(inflight);
  result.elapsedMs = performance.now() - t0;
  return result;
}
