/** One row of `npm run bench`: our figure, the peer's figure measured in the same run, and the target. */
export interface BenchRow {
  /** e.g. "engine.ops_per_s", "gas.deposit_erc20" (names fixed by shared PERFORMANCE.md) */
  metric: string;
  unit: string;
  /** null: not run (the note says why) */
  ours: number | null;
  /** null for absolute rows that have no peer */
  peer: number | null;
  /** ours / peer for throughput, peer / ours for costs (gas, latency): > 1 always means "we are better" */
  ratio: number | null;
  /** human readable, e.g. ">= 3x peer", "<= 10 us", "<= 0.9x nitro" */
  target: string;
  pass: boolean | null;
  /**
   * For rows that measure committed writes: what a commit survives, e.g. "durable (PostgreSQL,
   * fsync=on)" or "process-crash safe (PGlite does not fsync)" (bench/lib/durability.ts)
   */
  durability?: string;
  note?: string;
}

export interface BenchOptions {
  /** fewer iterations, for smoke runs inside `npm test` */
  quick: boolean;
}

/** A bench group (engine, gas, service, web) measures and returns its rows; it throws if its peer is missing. */
export type BenchGroup = (options: BenchOptions) => Promise<BenchRow[]>;
