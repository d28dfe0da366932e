/**
 * Bench row `engine.trigger_fire_ms` (SECURITY attack 22): firing N pending stops crossed by one
 * price, the sorted trigger book (core/engine/trigger-index.ts: pop the crossed end, a heap by
 * id) against the linear rescan it replaced — kept here only, as the peer: after each fire,
 * scan the list from the oldest for the first crossed trigger and splice it out. Half of the
 * triggers are older ones the price does not cross (the case that made the rescan O(N²)).
 * Both fire the same triggers in the same order (checked); only the firing is timed.
 *
 * Run alone: `npx tsx bench/engine-triggers.ts [--quick]` (no network, no database).
 */
import { performance } from "node:perf_hooks";
import { TriggerBook, TriggerHeap, type Trigger } from "../core/engine/trigger-index";
import type { BenchOptions, BenchRow } from "./types";

const PRICE = 2_800_000n;

/** `n` stops: the older half buy stops far above PRICE (never crossed), the newer half sell stops above it (all crossed). */
function stops(n: number): Trigger[] {
  return Array.from({ length: n }, (_, i) => {
    const crossed = i >= n / 2;
    return {
      id: i + 1,
      account: `t${i % 400}`,
      market: "ETH-PERP",
      kind: "stop",
      triggerPerLot: crossed ? 2_900_000n - BigInt(i % 1000) * 10n : 5_000_000n + BigInt(i % 1000) * 10n,
      side: crossed ? "sell" : "buy",
      orderKind: "market",
      pricePerLot: null,
      worstPricePerLot: crossed ? 2_000_000n : 6_000_000n,
      sizeBase: 10n ** 15n,
      tif: "IOC",
      reduceOnly: false,
      slippageBps: 0n,
      ocoId: null,
      clientOrderId: null,
    } satisfies Trigger;
  });
}

const crosses = (t: Trigger, price: bigint) => (t.side === "buy" ? price >= t.triggerPerLot : price <= t.triggerPerLot);

/** The peer: the rescan-and-splice loop core/engine/triggers.ts ran before the sorted book. */
function fireLinear(list: Trigger[]): { ms: number; fired: number[] } {
  const pending = [...list];
  const fired: number[] = [];
  const started = performance.now();
  for (;;) {
    let next: Trigger | null = null;
    for (const t of pending)
      if (crosses(t, PRICE)) {
        next = t;
        break;
      }
    if (next === null) break;
    pending.splice(pending.indexOf(next), 1);
    fired.push(next.id);
  }
  return { ms: performance.now() - started, fired };
}

/** Ours: the crossed end of each side into a heap by id, the oldest fired first (as runTriggers does). */
function fireSorted(list: Trigger[]): { ms: number; fired: number[] } {
  const book = new TriggerBook();
  const long = () => true;
  for (const t of list) book.add(long, t);
  const fired: number[] = [];
  const started = performance.now();
  const heap = new TriggerHeap();
  for (;;) {
    book.takeCrossed(PRICE, heap);
    const t = heap.pop();
    if (t === undefined) break;
    if (!book.isCandidate(t)) continue;
    book.delete(t);
    fired.push(t.id);
  }
  return { ms: performance.now() - started, fired };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function triggerBench(options: BenchOptions): BenchRow[] {
  const n = options.quick ? 5_000 : 20_000;
  const rounds = options.quick ? 3 : 5;
  const list = stops(n);
  fireSorted(list);
  fireLinear(list);
  const ours: number[] = [];
  const peer: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const a = fireSorted(list);
    const b = fireLinear(list);
    if (a.fired.length !== n / 2 || a.fired.join() !== b.fired.join())
      throw new Error("the sorted trigger book and the linear rescan fired different triggers");
    ours.push(a.ms);
    peer.push(b.ms);
  }
  const o = median(ours);
  const p = median(peer);
  const ratio = p / o;
  return [
    {
      metric: "engine.trigger_fire_ms",
      unit: "ms",
      ours: Math.round(o * 100) / 100,
      peer: Math.round(p * 100) / 100,
      ratio: Math.round(ratio * 10) / 10,
      target: ">= 10x linear rescan",
      pass: ratio >= 10,
      note: `${n / 2} of ${n} pending stops fired by one price (the older half not crossed), ${rounds} rounds (median); peer = the linear rescan-and-splice the engine used before (kept in the bench only)`,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of triggerBench({ quick: process.argv.includes("--quick") })) console.log(JSON.stringify(r));
}
