/**
 * Bench row 1 (shared PERFORMANCE.md): our exchange engine against `hft-limit-order-book` on
 * the identical seeded command stream, exchange-core style: 9% GTC, 3% IOC/market, 6%
 * cancel, 82% move, over ~1k resting orders on ~750 levels. Rounds alternate A B A B and
 * report medians. Ours runs through the whole engine (validation, spot locks, fees,
 * balance events), not only the book.
 *
 * Run alone: `npx tsx bench/engine.ts [--quick]`.
 */
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { Exchange } from "../core/engine/exchange";
import type { Command } from "../core/engine/events";
import type { MarketConfig } from "../core/market/config";
import { triggerBench } from "./engine-triggers";
import type { BenchGroup, BenchOptions, BenchRow } from "./types";

const MARKET: MarketConfig = {
  symbol: "BENCH-USDC",
  kind: "spot",
  base: { symbol: "WETH", decimals: 18 },
  quote: { symbol: "USDC", decimals: 6 },
  tickSizeQuote: 10n,
  lotSizeBase: 10n ** 15n,
  minNotionalQuote: 0n,
  makerFeePips: 100n,
  takerFeePips: 500n,
};
const LOT = MARKET.lotSizeBase;
const TICK = MARKET.tickSizeQuote;
const MID = 300_000; // tick index of 3000 USDC per WETH
const SPREAD_TICKS = 375; // resting prices within MID +/- this: ~750 levels
const ACCOUNTS = 50; // buyers b0.. and sellers s0.. never meet themselves, so no self-trade prevention differences

/** A small seeded PRNG (mulberry32): deterministic streams, no Math.random. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type PeerOp =
  | { op: "limit"; side: "buy" | "sell"; id: string; size: number; price: number; tif: "GTC" | "IOC" }
  | { op: "market"; side: "buy" | "sell"; size: number }
  | { op: "cancel"; id: string }
  | { op: "move"; id: string; price: number };

interface Stream {
  preload: { ours: Command[]; peer: PeerOp[] };
  timed: { ours: Command[]; peer: PeerOp[] };
  mix: Record<string, number>;
  restingAfter: number;
}

/**
 * Generate the command stream once. A generation engine runs alongside so that cancels and
 * moves target orders that are really resting (ids are assigned one per place command).
 */
export function generate(count: number, seed: number): Stream {
  const rnd = prng(seed);
  const gen = Exchange.create([MARKET]);
  fund(gen);
  const live: number[] = [];
  const where = new Map<number, number>(); // id -> index in live
  const sideOf = new Map<number, "buy" | "sell">();
  const add = (id: number) => {
    where.set(id, live.length);
    live.push(id);
  };
  const drop = (id: number) => {
    const i = where.get(id);
    if (i === undefined) return;
    const last = live.pop()!;
    if (last !== id) {
      live[i] = last;
      where.set(last, i);
    }
    where.delete(id);
  };
  let nextId = 1;
  const account = (side: "buy" | "sell") => `${side === "buy" ? "b" : "s"}${Math.floor(rnd() * ACCOUNTS)}`;
  /** a resting price: mostly away from the spread, sometimes across it (trades) */
  const tickFor = (side: "buy" | "sell", crossChance: number) => {
    const offset = rnd() < crossChance ? -Math.floor(rnd() * 3) : 1 + Math.floor(rnd() * SPREAD_TICKS);
    return side === "buy" ? MID - offset : MID + offset;
  };
  const apply = (cmd: Command, placedId: number | null) => {
    const events = gen.apply(cmd);
    let rests = placedId !== null;
    for (const e of events) {
      if (e.type === "orderDone") {
        if (e.orderId === placedId) rests = false;
        drop(e.orderId);
      } else if (e.type === "rejected")
        throw new Error(`generator produced a rejected command: ${e.code} ${e.message}`);
    }
    if (
      placedId !== null &&
      rests &&
      (cmd.type !== "place" || cmd.kind === "limit") &&
      (cmd.type !== "place" || cmd.tif === "GTC")
    )
      add(placedId);
  };
  const place = (out: Stream["timed"], side: "buy" | "sell", tick: number, lots: number, tif: "GTC" | "IOC") => {
    const id = nextId++;
    sideOf.set(id, side);
    const cmd: Command = {
      type: "place",
      account: account(side),
      market: MARKET.symbol,
      side,
      kind: "limit",
      sizeBase: BigInt(lots) * LOT,
      pricePerLot: BigInt(tick) * TICK,
      tif,
    };
    out.ours.push(cmd);
    out.peer.push({ op: "limit", side, id: String(id), size: lots, price: tick, tif });
    apply(cmd, id);
  };

  const preload: Stream["timed"] = { ours: [], peer: [] };
  for (let i = 0; i < 1000; i++) {
    const side = i % 2 === 0 ? "buy" : "sell";
    place(preload, side, tickFor(side, 0), 1 + Math.floor(rnd() * 10), "GTC");
  }
  const timed: Stream["timed"] = { ours: [], peer: [] };
  const mix = { gtc: 0, ioc: 0, market: 0, cancel: 0, move: 0 };
  for (let i = 0; i < count; i++) {
    const r = rnd();
    const side: "buy" | "sell" = rnd() < 0.5 ? "buy" : "sell";
    let kind = r < 0.09 ? "gtc" : r < 0.1 ? "market" : r < 0.12 ? "ioc" : r < 0.18 ? "cancel" : "move";
    // the book is held near 1k orders by how often new prices cross the spread (trades remove orders)
    const cross = live.length < 950 ? 0 : live.length > 1050 ? 0.2 : 0.04;
    if (live.length < 800 && kind === "cancel") kind = "gtc";
    if (live.length > 1200 && kind === "gtc") kind = "cancel";
    if (live.length === 0 && (kind === "cancel" || kind === "move")) kind = "gtc";
    mix[kind as keyof typeof mix]++;
    if (kind === "gtc") place(timed, side, tickFor(side, cross), 1 + Math.floor(rnd() * 10), "GTC");
    else if (kind === "ioc") place(timed, side, tickFor(side, 0.5), 1 + Math.floor(rnd() * 20), "IOC");
    else if (kind === "market") {
      const id = nextId++;
      const lots = 1 + Math.floor(rnd() * 20);
      // a slippage bound beyond every resting price, so the peer's unbounded market order does the same
      const worst = BigInt(side === "buy" ? MID + 4 * SPREAD_TICKS : MID - 4 * SPREAD_TICKS) * TICK;
      const cmd: Command = {
        type: "place",
        account: account(side),
        market: MARKET.symbol,
        side,
        kind: "market",
        sizeBase: BigInt(lots) * LOT,
        worstPricePerLot: worst,
      };
      timed.ours.push(cmd);
      timed.peer.push({ op: "market", side, size: lots });
      apply(cmd, id);
    } else {
      const id = live[Math.floor(rnd() * live.length)]!;
      const acct = ownerOf(gen, id);
      if (kind === "cancel") {
        const cmd: Command = { type: "cancel", account: acct, orderId: id };
        timed.ours.push(cmd);
        timed.peer.push({ op: "cancel", id: String(id) });
        apply(cmd, null);
      } else {
        const s = sideOf.get(id)!;
        let tick = tickFor(s, cross);
        if (BigInt(tick) * TICK === priceOf(gen, id)) tick += s === "buy" ? -1 : 1;
        const cmd: Command = { type: "amend", account: acct, orderId: id, pricePerLot: BigInt(tick) * TICK };
        timed.ours.push(cmd);
        timed.peer.push({ op: "move", id: String(id), price: tick });
        apply(cmd, null);
        if (where.has(id) === false && gen.restingOrder(id) !== null) add(id);
      }
    }
  }
  return { preload, timed, mix, restingAfter: live.length };
}

function ownerOf(ex: Exchange, id: number): string {
  const o = ex.restingOrder(id);
  if (o === null) throw new Error(`order ${id} is not resting`);
  return o.account;
}

function priceOf(ex: Exchange, id: number): bigint {
  return ex.restingOrder(id)!.pricePerLot;
}

function fund(ex: Exchange): void {
  for (let i = 0; i < ACCOUNTS; i++) {
    ex.apply({ type: "deposit", account: `b${i}`, asset: "USDC", amount: 10n ** 18n });
    ex.apply({ type: "deposit", account: `s${i}`, asset: "WETH", amount: 10n ** 30n });
  }
}

interface RunResult {
  opsPerSec: number;
  latenciesUs: Float64Array;
  resting: number;
}

export function runOurs(stream: Stream): RunResult {
  const ex = Exchange.create([MARKET]);
  fund(ex);
  for (const c of stream.preload.ours) ex.apply(c);
  const cmds = stream.timed.ours;
  const lat = new Float64Array(cmds.length);
  const start = performance.now();
  for (let i = 0; i < cmds.length; i++) {
    const t0 = performance.now();
    ex.apply(cmds[i]!);
    lat[i] = (performance.now() - t0) * 1000;
  }
  const elapsedMs = performance.now() - start;
  return { opsPerSec: (cmds.length / elapsedMs) * 1000, latenciesUs: lat, resting: ex.restingCount(MARKET.symbol) };
}

interface PeerBook {
  limit(o: { side: string; id: string; size: number; price: number; timeInForce?: string }): unknown;
  market(o: { side: string; size: number }): unknown;
  cancel(id: string): unknown;
  modify(id: string, u: { price: number }): unknown;
}

function loadPeer(): new () => PeerBook {
  try {
    const require = createRequire(import.meta.url);
    const mod = require("hft-limit-order-book") as { OrderBook: new () => PeerBook };
    if (typeof mod.OrderBook !== "function") throw new Error("no OrderBook export");
    return mod.OrderBook;
  } catch (e) {
    throw new Error(
      `the peer hft-limit-order-book cannot be loaded (npm install it as a dev dependency): ${(e as Error).message}`,
    );
  }
}

function applyPeer(ob: PeerBook, op: PeerOp): void {
  switch (op.op) {
    case "limit":
      ob.limit({ side: op.side, id: op.id, size: op.size, price: op.price, timeInForce: op.tif });
      return;
    case "market":
      ob.market({ side: op.side, size: op.size });
      return;
    case "cancel":
      ob.cancel(op.id);
      return;
    case "move":
      ob.modify(op.id, { price: op.price });
  }
}

function runPeer(OrderBook: new () => PeerBook, stream: Stream): RunResult {
  const ob = new OrderBook();
  for (const op of stream.preload.peer) applyPeer(ob, op);
  const ops = stream.timed.peer;
  const lat = new Float64Array(ops.length);
  const start = performance.now();
  for (let i = 0; i < ops.length; i++) {
    const t0 = performance.now();
    applyPeer(ob, ops[i]!);
    lat[i] = (performance.now() - t0) * 1000;
  }
  const elapsedMs = performance.now() - start;
  return { opsPerSec: (ops.length / elapsedMs) * 1000, latenciesUs: lat, resting: peerRestingCount(ob) };
}

/** The peer keeps its orders in a plain object keyed by id: count them to check both books agree. */
function peerRestingCount(ob: PeerBook): number {
  const orders = (ob as unknown as { orders: Record<string, unknown> }).orders;
  return orders ? Object.keys(orders).length : -1;
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface Summary {
  ops: number;
  p50: number;
  p99: number;
  p999: number;
}

function summarize(runs: RunResult[]): Summary {
  const stats = runs.map((r) => {
    const sorted = Float64Array.from(r.latenciesUs).sort();
    return {
      ops: r.opsPerSec,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      p999: percentile(sorted, 0.999),
    };
  });
  return {
    ops: median(stats.map((s) => s.ops)),
    p50: median(stats.map((s) => s.p50)),
    p99: median(stats.map((s) => s.p99)),
    p999: median(stats.map((s) => s.p999)),
  };
}

/** The engine bench group: ops/s and p99 latency, ours against the peer. */
export const engineBench: BenchGroup = async (options: BenchOptions): Promise<BenchRow[]> => {
  const OrderBook = loadPeer();
  const count = options.quick ? 20_000 : 300_000;
  const rounds = options.quick ? 3 : 5;
  const stream = generate(count, 0xc1ea71);
  // warm both up once (JIT), then alternate A B A B
  runOurs(stream);
  runPeer(OrderBook, stream);
  const ours: RunResult[] = [];
  const peer: RunResult[] = [];
  for (let r = 0; r < rounds; r++) {
    ours.push(runOurs(stream));
    peer.push(runPeer(OrderBook, stream));
  }
  const o = summarize(ours);
  const p = summarize(peer);
  const sameBook = ours[0]!.resting === peer[0]!.resting;
  if (!sameBook)
    throw new Error(
      `the two engines disagree on the final book (${ours[0]!.resting} vs ${peer[0]!.resting} resting orders): the streams are not equivalent`,
    );
  const mix = Object.entries(stream.mix)
    .map(([k, v]) => `${k} ${((v / count) * 100).toFixed(1)}%`)
    .join(", ");
  const fmt = (s: Summary) => `p50 ${s.p50.toFixed(2)} us, p99 ${s.p99.toFixed(2)} us, p99.9 ${s.p999.toFixed(2)} us`;
  const opsRatio = o.ops / p.ops;
  const latRatio = p.p99 / o.p99;
  await Promise.resolve();
  return [
    {
      metric: "engine.ops_per_s",
      unit: "ops/s",
      ours: Math.round(o.ops),
      peer: Math.round(p.ops),
      ratio: Math.round(opsRatio * 100) / 100,
      target: ">= 3x peer",
      pass: opsRatio >= 3,
      note: `${count} commands x ${rounds} rounds (median), ${mix}; ~${stream.restingAfter} resting orders at the end; full engine with spot locks and fees`,
    },
    {
      metric: "engine.p99_us",
      unit: "us",
      ours: Math.round(o.p99 * 100) / 100,
      peer: Math.round(p.p99 * 100) / 100,
      ratio: Math.round(latRatio * 100) / 100,
      target: "<= 10 us",
      pass: o.p99 <= 10,
      note: `ours ${fmt(o)}; peer ${fmt(p)}`,
    },
    ...triggerBench(options),
  ];
};

function printTable(rows: BenchRow[]): void {
  const head = ["metric", "unit", "ours", "peer", "ratio", "target", "pass"];
  const body = rows.map((r) => [
    r.metric,
    r.unit,
    String(r.ours),
    String(r.peer ?? "-"),
    r.ratio === null ? "-" : `${r.ratio}x`,
    r.target,
    r.pass === null ? "-" : r.pass ? "yes" : "NO",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  for (const line of [head, widths.map((w) => "-".repeat(w)), ...body])
    console.log(line.map((c, i) => c.padEnd(widths[i]!)).join("  "));
  for (const r of rows) if (r.note) console.log(`  ${r.metric}: ${r.note}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  engineBench({ quick: process.argv.includes("--quick") })
    .then((rows) =>
      process.argv.includes("--json") ? rows.forEach((r) => console.log(JSON.stringify(r))) : printTable(rows),
    )
    .catch((e: unknown) => {
      console.error((e as Error).message);
      process.exit(1);
    });
}
