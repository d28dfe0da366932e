/**
 * Sequencing and group commit: ONE writer for every market. Commands are applied to the in-memory
 * Exchange in arrival order (JavaScript runs them one at a time, so the books need no locks),
 * journaled with group commit, and answered only once their batch is durable.
 *
 *   submit(cmd) ─▶ stamp time ─▶ exchange.apply(cmd) ─▶ pending batch ─▶ one transaction:
 *                                                        journal rows + event rows + idempotency
 *                                                        keys (+ a snapshot when due)
 *                                                        ─▶ resolve callers ─▶ onCommitted listeners
 *
 * Commands that arrive while a batch is being written form the next batch. The state may run
 * ahead of the journal by the batch in flight, but nothing leaves the runtime (answers, events
 * to listeners) before it is durable. If a write fails the runtime stops accepting commands
 * (status().failed): memory is then ahead of the journal, and a restart (snapshot + journal)
 * is the way back. Callers whose batch failed get UNAVAILABLE and retry with their idempotency
 * key, which answers correctly whether or not the batch had committed.
 *
 * This is the base of the runtime's class chain (runtime.ts says why a chain); submit() and the
 * idempotency keys are the next layer, idempotency-store.ts.
 */
import { ClearlineError } from "../../core/errors";
import type { Command, EngineEvent, EngineSnapshot, Exchange } from "../../core/engine";
import type { Db } from "../db";
import type { CommittedBatch, CommittedEntry } from "../ports";
import { encode } from "./codec";
import { encodeBatch, writeBatch, type JournalRow } from "./journal-store";
import type { EngineRuntimeOptions, EngineRuntimeStatus } from "./runtime-types";
import { writeSnapshot } from "./snapshot-store";

interface Pending {
  row: JournalRow;
  entry: CommittedEntry;
  resolve(entry: CommittedEntry): void;
  reject(error: unknown): void;
}

/** pause between a background snapshot's parts (snapshot-store.ts) */
const SNAPSHOT_PART_GAP_MS = 20;

export abstract class Sequencer {
  protected exchange: Exchange;
  protected seq: bigint;
  private durableSeq: bigint;
  private pending: Pending[] = [];
  private writing = false;
  private flushScheduled = false;
  private idle: (() => void)[] = [];
  protected listeners = new Set<{ fn: (batch: CommittedBatch) => void | Promise<void>; chain: Promise<void> }>();
  protected failed: string | null = null;
  protected stopped = false;
  private stats = { batches: 0, commands: 0, events: 0, lastBatchSize: 0, maxBatchSize: 0 };
  protected lastSnapshotSeq: bigint;
  private lastSnapshotAt: number;
  /** the newest snapshot known to be complete in the database */
  protected durableSnapshotSeq: bigint;
  /** the snapshot being written in the background, if any */
  protected snapshotWrite: Promise<void> | null = null;
  /** what stop() ends first: the background loops of every layer (key filter build, mark feed, funding) */
  protected readonly stoppers: (() => void)[] = [];
  replayedOnStart = 0;
  readonly clock: () => number;
  readonly db: Db;
  private readonly snapshotEvery: number;
  private readonly snapshotIntervalMs: number;
  protected readonly log: (message: string, error?: unknown) => void;

  constructor(o: EngineRuntimeOptions, exchange: Exchange, seq: bigint, snapshotSeq: bigint) {
    this.db = o.db;
    this.clock = o.clock ?? Date.now;
    this.snapshotEvery = o.snapshotEvery ?? 50_000;
    this.snapshotIntervalMs = o.snapshotIntervalMs ?? 60_000;
    this.log = o.log ?? ((m, e) => console.error(`[engine] ${m}`, e ?? ""));
    this.exchange = exchange;
    this.seq = seq;
    this.durableSeq = seq;
    this.lastSnapshotSeq = snapshotSeq;
    this.durableSnapshotSeq = snapshotSeq;
    this.lastSnapshotAt = this.clock();
  }

  read<T>(fn: (exchange: Exchange) => T): T {
    return fn(this.exchange);
  }

  onCommitted(fn: (batch: CommittedBatch) => void | Promise<void>): () => void {
    const l = { fn, chain: Promise.resolve() };
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  /** Apply a command now and queue it for the next batch; `promise` settles when that batch is durable (or failed). */
  protected enqueue(
    command: Command,
    meta: Record<string, unknown> | null,
    idempotency: JournalRow["idempotency"] | ((entry: CommittedEntry) => JournalRow["idempotency"]),
  ) {
    if (this.failed !== null)
      throw new ClearlineError("UNAVAILABLE", `the engine stopped after a journal failure: ${this.failed}`);
    if (this.stopped) throw new ClearlineError("UNAVAILABLE", "the engine is stopping");
    const timeMs = this.clock();
    let events: EngineEvent[];
    try {
      events = this.exchange.apply(command);
    } catch (error) {
      // the engine returns rejections and never throws; if it does, the state may be half changed
      this.failed = `engine threw on a ${command.type} command: ${(error as Error)?.message ?? String(error)}`;
      this.log(this.failed, error);
      throw new ClearlineError("INTERNAL", "the engine failed; it stopped accepting commands", {}, { cause: error });
    }
    const seq = ++this.seq;
    // timeMs rides along for the read-model feeds (the port's type does not need it)
    const entry: CommittedEntry & { timeMs: number } = { seq, command, events, timeMs };
    const row: JournalRow = {
      seq,
      command,
      events,
      timeMs,
      meta: meta === null ? null : encode(meta),
      idempotency: null,
    };
    try {
      row.idempotency = typeof idempotency === "function" ? idempotency(entry) : idempotency;
    } catch (error) {
      this.log(`answer for seq ${seq} could not be built; journaled without its idempotency key`, error);
    }
    let resolve!: (e: CommittedEntry) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<CommittedEntry>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.pending.push({ row, entry, resolve, reject });
    this.scheduleFlush();
    return { entry, promise };
  }

  private scheduleFlush() {
    if (this.writing || this.flushScheduled) return;
    this.flushScheduled = true;
    // after this turn of the event loop, not this microtask: every request parsed in the same I/O
    // phase joins the batch (embedded PGlite writes synchronously, so nothing could join later)
    setImmediate(() => void this.flushLoop());
  }

  /**
   * Writes a snapshot in the background (server/engine/snapshot-store.ts); one at a time. Counted
   * as taken from the start, so the next is due a full interval later; a failed write is logged
   * and the one before it stays the latest.
   */
  private startSnapshotWrite(snap: { seq: bigint; state: EngineSnapshot; timeMs: number }) {
    const previous = { seq: this.lastSnapshotSeq, at: this.lastSnapshotAt };
    this.lastSnapshotSeq = snap.seq;
    this.lastSnapshotAt = snap.timeMs;
    this.snapshotWrite = writeSnapshot(this.db, snap, { gapMs: SNAPSHOT_PART_GAP_MS })
      .then(() => {
        this.durableSnapshotSeq = snap.seq;
      })
      .catch((error: unknown) => {
        this.log(`snapshot at seq ${snap.seq} could not be written; the previous one stays the latest`, error);
        if (this.lastSnapshotSeq === snap.seq) {
          this.lastSnapshotSeq = previous.seq;
          this.lastSnapshotAt = previous.at;
        }
      })
      .finally(() => {
        this.snapshotWrite = null;
      });
  }

  private snapshotDue(now: number): boolean {
    if (this.seq === this.lastSnapshotSeq) return false;
    return (
      this.seq - this.lastSnapshotSeq >= BigInt(this.snapshotEvery) ||
      now - this.lastSnapshotAt >= this.snapshotIntervalMs
    );
  }

  private async flushLoop(): Promise<void> {
    this.flushScheduled = false;
    this.writing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        const now = this.clock();
        // every applied command is in this batch or an earlier one, so the state is exactly "after the batch's last seq"
        const snap =
          this.snapshotWrite === null && this.snapshotDue(now)
            ? { seq: this.seq, state: this.exchange.snapshot(), timeMs: now }
            : null;
        try {
          await writeBatch(this.db, encodeBatch(batch.map((p) => p.row)));
        } catch (error) {
          this.fail(error, batch);
          return;
        }
        const last = batch[batch.length - 1]!.entry.seq;
        this.durableSeq = last;
        // written after the batch (its journal is durable now), in parts, beside the order path
        if (snap !== null) this.startSnapshotWrite(snap);
        const s = this.stats;
        s.batches++;
        s.commands += batch.length;
        s.lastBatchSize = batch.length;
        if (batch.length > s.maxBatchSize) s.maxBatchSize = batch.length;
        for (const p of batch) {
          s.events += p.entry.events.length;
          p.resolve(p.entry);
        }
        const committed: CommittedBatch = { entries: batch.map((p) => p.entry) };
        for (const l of this.listeners) {
          l.chain = l.chain
            .then(() => l.fn(committed))
            .catch((e: unknown) => this.log("onCommitted listener failed", e));
        }
      }
    } finally {
      this.writing = false;
      if (this.pending.length === 0) for (const f of this.idle.splice(0)) f();
      else if (this.failed === null) this.scheduleFlush();
    }
  }

  private fail(error: unknown, batch: Pending[]) {
    this.failed = (error as Error)?.message ?? String(error);
    this.log(`journal write failed at seq ${batch[0]!.entry.seq}; refusing further commands until restart`, error);
    const err = new ClearlineError(
      "UNAVAILABLE",
      "the journal could not be written; retry with the same idempotency key",
      {},
      { cause: error },
    );
    for (const p of [...batch, ...this.pending.splice(0)]) p.reject(err);
    for (const f of this.idle.splice(0)) f();
  }

  /** Resolves when nothing is pending or being written. */
  drained(): Promise<void> {
    if (!this.writing && this.pending.length === 0) return Promise.resolve();
    return new Promise((res) => this.idle.push(res));
  }

  status(): EngineRuntimeStatus {
    const s = this.stats;
    return {
      sequence: this.seq,
      durableSequence: this.durableSeq,
      journalLag: Number(this.seq - this.durableSeq),
      batches: s.batches,
      commands: s.commands,
      events: s.events,
      lastBatchSize: s.lastBatchSize,
      maxBatchSize: s.maxBatchSize,
      avgBatchSize: s.batches === 0 ? 0 : s.commands / s.batches,
      lastSnapshotSeq: this.durableSnapshotSeq,
      failed: this.failed,
      stopped: this.stopped,
      replayedOnStart: this.replayedOnStart,
    };
  }
}
