/**
 * The engine runtime's lifecycle — recover the exchange, start the runtime, stop it — and the
 * module its callers import it from (the public names are re-exported here).
 *
 * The runtime is ONE object built as a chain of classes, one job per module, each extending the
 * one before it:
 *
 *   Sequencer (sequencer.ts)                  apply in order, group commit, snapshots, listeners
 *   └ IdempotentSequencer (idempotency-store.ts)  submit(), keys in memory / the table / the filter
 *     └ MarketRegistry (market-registry.ts)       market views, syncMarkets, updateMarketParams, guards
 *       └ PriceJobs (price-jobs.ts)               mark feed, funding timer, overrideMarkPrice
 *         └ Runtime (here)                        stop()
 *
 * A chain, not parts that call each other: every per-command call (submitIdempotent, enqueue,
 * market, checkTradingAllowed) stays a direct method of the one object, as before the split.
 */
import { Exchange } from "../../core/engine";
import type { Db } from "../db";
import { readJournal } from "./journal-store";
import { PriceJobs } from "./price-jobs";
import type { EngineRuntime, EngineRuntimeOptions } from "./runtime-types";
import { latestSnapshot, writeSnapshot } from "./snapshot-store";

export type {
  EngineRuntime,
  EngineRuntimeOptions,
  EngineRuntimeStatus,
  IdempotencyStats,
  IdempotentRequest,
  MarketParamsChange,
  UpdateMarketParamsOptions,
} from "./runtime-types";
export { simulatedMarkSource } from "./price-jobs";

class Runtime extends PriceJobs implements EngineRuntime {
  async stop(): Promise<void> {
    if (this.stopped) return;
    for (const s of this.stoppers.splice(0)) s();
    await this.keyFilterBuild; // at most the page being read
    await this.drained();
    this.stopped = true;
    await this.snapshotWrite;
    if (this.failed === null && this.seq > this.durableSnapshotSeq) {
      await writeSnapshot(this.db, { seq: this.seq, state: this.exchange.snapshot(), timeMs: this.clock() });
      this.lastSnapshotSeq = this.durableSnapshotSeq = this.seq;
    }
    await Promise.all([...this.listeners].map((l) => l.chain));
  }
}

/** Rebuild the engine from the latest snapshot plus the journal after it. */
export async function recoverExchange(
  db: Db,
): Promise<{ exchange: Exchange; seq: bigint; snapshotSeq: bigint; replayed: number }> {
  const snap = await latestSnapshot(db);
  const exchange = snap === null ? Exchange.create([]) : Exchange.restore(snap.state);
  let seq = snap?.seq ?? 0n;
  let replayed = 0;
  for await (const row of readJournal(db, seq)) {
    if (row.seq !== seq + 1n) throw new Error(`journal gap: expected seq ${seq + 1n}, found ${row.seq}`);
    exchange.apply(row.command);
    seq = row.seq;
    replayed++;
  }
  return { exchange, seq, snapshotSeq: snap?.seq ?? 0n, replayed };
}

/**
 * Start an engine runtime: recover (snapshot + journal), add markets from the Market table, start
 * the mark-price feed and funding loop, and the idempotency-key filter's build (in the
 * background). One runtime per database: it is the only writer of the journal and the
 * idempotency keys (the composition root, server/app-services.ts, starts exactly one).
 */
export async function startEngineRuntime(options: EngineRuntimeOptions): Promise<EngineRuntime> {
  const { exchange, seq, snapshotSeq, replayed } = await recoverExchange(options.db);
  const rt = new Runtime(options, exchange, seq, snapshotSeq);
  rt.replayedOnStart = replayed;
  await rt.loadGuards();
  if (options.syncMarkets ?? true) await rt.syncMarkets();
  rt.startPriceJobs(options);
  // not awaited: until it is ready every key not in memory is looked up, as without it
  rt.startKeyFilter(options.keyFilterPageRows ?? 10_000, options.keyFilterRetryMs ?? 5_000);
  return rt;
}
