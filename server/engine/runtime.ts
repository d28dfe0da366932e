/**
 * The engine runtime: ONE writer for every market. Commands are applied to the in-memory
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
 * Idempotency keys: this runtime is the ONLY writer of the "IdempotencyKey" table (its journal
 * batches write the keys enqueued here; one runtime per database). That is what lets a Bloom
 * filter (key-filter.ts) of the stored keys, read once at start, plus every key enqueued since,
 * answer "never stored" without a lookup. Anything else that inserts keys into the table would
 * break idempotency (a retry of such a key would be applied again and its journal batch fail).
 */
import { ClearlineError } from "../../core/errors";
import {
  Exchange,
  toClearlineError,
  type Command,
  type EngineEvent,
  type EngineSnapshot,
  type MarketParamsUpdate,
  type UpdatableMarketParams,
} from "../../core/engine";
import type { Db } from "../db";
import type { Prisma } from "../../generated/prisma/client";
import { BatchLoader } from "../db/batch-loader";
import type { CommittedBatch, CommittedEntry, EnginePort, SubmitOptions } from "../ports";
import type { MarketView } from "../../core/market/view";
import { requestHash } from "./request-hash";
import { catalogueRow, listMarkets } from "./market-table";
import { decode, encode } from "./codec";
import { encodeBatch, readJournal, writeBatch, type JournalRow } from "./journal-store";
import { latestSnapshot, writeSnapshot } from "./snapshot-store";
import {
  catalogueEquals,
  catalogueFromParams,
  priceFromPerLotDown,
  toEngineMarketConfig,
  type MarketCatalogueParams,
} from "./market-config";
import { DEFAULT_START_PRICES_WHOLE, randomWalkSource, type MarkPriceSource } from "./mark-feed";
import { HOT_SQL } from "../db/hot-sql";
import { KeyFilter } from "./key-filter";

export interface EngineRuntimeOptions {
  db: Db;
  /** ms since epoch; stamped into commands that need time (fundingTick) and into journal rows */
  clock?: () => number;
  /** snapshot after this many commands (default 50_000: replay runs at ~34,000 commands/s) ... */
  snapshotEvery?: number;
  /** ... or this many ms since the last one (default 60_000), whichever first */
  snapshotIntervalMs?: number;
  /** index prices for perpetuals; null = none (tests drive markPrice themselves) */
  markSource?:
    MarkPriceSource | null | ((markets: readonly MarketView[], prices: Map<string, bigint>) => MarkPriceSource | null);
  /** check funding every N ms (default 1_000); 0 = no funding loop */
  fundingCheckMs?: number;
  /** add markets found in the Market table that the engine does not know (default true) */
  syncMarkets?: boolean;
  /** logs listener failures and background errors (default console.error) */
  log?: (message: string, error?: unknown) => void;
  /** rows per statement when the idempotency-key filter is built at start (default 10_000) */
  keyFilterPageRows?: number;
  /** wait before reading a page again after a failed read (default 5_000 ms) */
  keyFilterRetryMs?: number;
}

/** An idempotent submission: the key is stored with the command in the same transaction. */
export interface IdempotentRequest<R> {
  account: string;
  key: string;
  requestHash: string;
  command: Command;
  /** the answer, computed from the committed entry (stored, and returned to every retry) */
  respond(entry: CommittedEntry): R;
}

/** A market parameter change the engine applied (journaled), with the catalogue row that follows it. */
export interface MarketParamsChange {
  entry: CommittedEntry;
  before: UpdatableMarketParams;
  after: UpdatableMarketParams;
  /** the Market row's new columns */
  catalogue: MarketCatalogueParams;
}

export interface UpdateMarketParamsOptions {
  /** journaled with the command (who and why) */
  meta?: Record<string, unknown>;
  /**
   * Runs the Market row write in a transaction of the caller's (e.g. with its audit record):
   * call `writeRow(tx)` inside it. Default: a transaction of its own.
   */
  persist?: (change: MarketParamsChange, writeRow: (tx: Prisma.TransactionClient) => Promise<void>) => Promise<void>;
}

export interface EngineRuntimeStatus {
  /** last applied seq (in memory) */
  sequence: bigint;
  /** last durable seq */
  durableSequence: bigint;
  /** commands applied but not yet durable */
  journalLag: number;
  batches: number;
  commands: number;
  events: number;
  lastBatchSize: number;
  maxBatchSize: number;
  avgBatchSize: number;
  lastSnapshotSeq: bigint;
  failed: string | null;
  stopped: boolean;
  replayedOnStart: number;
}

/** How idempotency keys were checked (for tests and monitoring). */
export interface IdempotencyStats {
  /** the key filter holds every stored key: a key it has never seen skips the database */
  filterReady: boolean;
  /** keys in the filter (stored ones read at start + every key enqueued since) */
  filterKeys: number;
  filterLayers: number;
  filterBytes: number;
  /** keys looked up in the IdempotencyKey table (not in memory, and the filter not ready or said "maybe") */
  databaseLookups: number;
  /** keys the ready filter said were never stored: applied without a lookup */
  lookupsSkipped: number;
}

export interface EngineRuntime extends EnginePort {
  /** the database the journal lives in (read models are read from it too) */
  readonly db: Db;
  submit(command: Command, options?: SubmitOptions & { meta?: Record<string, unknown> }): Promise<CommittedEntry>;
  /** Submit once per (account, key): a retry with the same body gets the first answer; another body is IDEMPOTENCY_KEY_REUSED. */
  submitIdempotent<R>(request: IdempotentRequest<R>): Promise<R>;
  /** The Market table's view of a market (units for conversions), or null. */
  market(symbol: string): MarketView | null;
  markets(): MarketView[];
  /** Add markets created in the Market table since start (journaled addMarket commands). */
  syncMarkets(): Promise<string[]>;
  /**
   * Change a live market's parameters: the journaled updateMarket command FIRST (the journal is
   * the engine's source of truth; a refusal throws its engine code and changes nothing), THEN the
   * Market row (the catalogue) follows the engine's new values. If the row write fails the engine
   * keeps the change and syncMarkets() rewrites the row from the engine at the next start.
   */
  updateMarketParams(
    market: string,
    params: MarketParamsUpdate,
    options?: UpdateMarketParamsOptions,
  ): Promise<MarketParamsChange>;
  /** Set a perpetual's index price by hand (admin); the simulated feed continues from it. */
  overrideMarkPrice(market: string, pricePerWhole: bigint, reason: string): Promise<CommittedEntry>;
  /** Hooks for the admin controls: refuse new orders in a halted market / from a suspended account. */
  setMarketHalted(market: string, halted: boolean): void;
  setAccountSuspended(account: string, suspended: boolean): void;
  /** Throws (PRECONDITION_FAILED / FORBIDDEN) if `account` may not trade in `market` now. */
  checkTradingAllowed(account: string, market: string | null): void;
  status(): EngineRuntimeStatus;
  idempotencyStats(): IdempotencyStats;
  /** Stop the loops, wait for the batch in flight, write a final snapshot. */
  stop(): Promise<void>;
}

interface Pending {
  row: JournalRow;
  entry: CommittedEntry;
  resolve(entry: CommittedEntry): void;
  reject(error: unknown): void;
}

interface KeyState {
  requestHash: string;
  answer: Promise<unknown>;
  /** when its batch committed (null while in flight) */
  committedAt: number | null;
}

/**
 * How long a committed key stays in memory (besides until no lookup that could have missed it is
 * running): only so that a quick retry skips a database read. A minute, as at first, kept ~120,000
 * answers alive at 2,000 orders/s, which every major GC then marked (docs/SERVICE.md, Performance).
 */
const KEY_RETENTION_MS = 1_000;
/** pause between a background snapshot's parts (snapshot-store.ts) */
const SNAPSHOT_PART_GAP_MS = 20;
const SELECT_KEYS = `${HOT_SQL}SELECT k.account, k.key, k."requestHash", k.response FROM "IdempotencyKey" k
  JOIN unnest($1::text[], $2::text[]) AS q(account, key) ON k.account = q.account AND k.key = q.key`;
/** the idempotency "account" of requestIds on commands without an account (market prices, funding) */
const SYSTEM_REQUESTS = "@system";
/** Pages of stored keys for the key filter, by the primary key (not HOT_SQL: start-up work, not the order path). */
const FIRST_KEYS_PAGE = `SELECT account, key FROM "IdempotencyKey" ORDER BY account, key LIMIT $1::int`;
const NEXT_KEYS_PAGE = `SELECT account, key FROM "IdempotencyKey" WHERE (account, key) > ($1::text, $2::text) ORDER BY account, key LIMIT $3::int`;

class Runtime implements EngineRuntime {
  private exchange: Exchange;
  private seq: bigint;
  private durableSeq: bigint;
  private pending: Pending[] = [];
  private writing = false;
  private flushScheduled = false;
  private idle: (() => void)[] = [];
  private listeners = new Set<{ fn: (batch: CommittedBatch) => void | Promise<void>; chain: Promise<void> }>();
  private failed: string | null = null;
  private stopped = false;
  private stats = { batches: 0, commands: 0, events: 0, lastBatchSize: 0, maxBatchSize: 0 };
  private lastSnapshotSeq: bigint;
  private lastSnapshotAt: number;
  /** the newest snapshot known to be complete in the database */
  private durableSnapshotSeq: bigint;
  /** the snapshot being written in the background, if any */
  private snapshotWrite: Promise<void> | null = null;
  private readonly views = new Map<string, MarketView>();
  private readonly halted = new Set<string>();
  private readonly suspended = new Set<string>();
  private readonly keys = new Map<string, KeyState>();
  /** start times of idempotency lookups in the database that are still running */
  private readonly lookups = new Set<{ startedAt: number }>();
  /** concurrent idempotency lookups share one query (one round trip per batch under load, not one per order) */
  private readonly keyLoader: BatchLoader<
    { account: string; key: string },
    { account: string; key: string; requestHash: string; response: string }
  >;
  /**
   * Every (account, key) in the IdempotencyKey table or enqueued by this runtime, once
   * `keyFilterReady`: "certainly absent" means no lookup is needed. Sound only because this
   * runtime is the table's one writer (docs/SERVICE.md "Idempotency").
   */
  private readonly keyFilter = new KeyFilter();
  private keyFilterReady = false;
  private keyFilterBuild: Promise<void> = Promise.resolve();
  private keyFilterStopped = false;
  private readonly keyCounts = { databaseLookups: 0, lookupsSkipped: 0 };
  private lastSweepAt = 0;
  private readonly stoppers: (() => void)[] = [];
  private readonly lastFundingMs = new Map<string, number>();
  private source: MarkPriceSource | null = null;
  replayedOnStart = 0;
  readonly clock: () => number;
  readonly db: Db;
  private readonly snapshotEvery: number;
  private readonly snapshotIntervalMs: number;
  private readonly log: (message: string, error?: unknown) => void;

  constructor(o: EngineRuntimeOptions, exchange: Exchange, seq: bigint, snapshotSeq: bigint) {
    this.db = o.db;
    this.clock = o.clock ?? Date.now;
    this.keyLoader = new BatchLoader(
      (ks) =>
        this.db.$queryRawUnsafe(
          SELECT_KEYS,
          ks.map((k) => k.account),
          ks.map((k) => k.key),
        ),
      (k) => `${k.account}\u0000${k.key}`,
      (r) => `${r.account}\u0000${r.key}`,
    );
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

  // ── EnginePort ────────────────────────────────────────────────────────────────────────

  submit(command: Command, options?: SubmitOptions & { meta?: Record<string, unknown> }): Promise<CommittedEntry> {
    if (options?.requestId !== undefined) {
      // the same mechanism as client idempotency keys: journaled with the command, deduplicated in memory and in the table
      const account = "account" in command && typeof command.account === "string" ? command.account : SYSTEM_REQUESTS;
      return this.submitIdempotent<CommittedEntry>({
        account,
        key: options.requestId,
        requestHash: requestHash("engine.submit", { command }),
        command,
        respond: ({ seq, command: c, events }) => ({ seq, command: c, events }),
      });
    }
    return this.enqueue(command, options?.meta ?? null, null).promise;
  }

  read<T>(fn: (exchange: Exchange) => T): T {
    return fn(this.exchange);
  }

  onCommitted(fn: (batch: CommittedBatch) => void | Promise<void>): () => void {
    const l = { fn, chain: Promise.resolve() };
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  // ── sequencing and group commit ──────────────────────────────────────────────────────

  private enqueue(
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

  // ── idempotency ──────────────────────────────────────────────────────────────────────

  async submitIdempotent<R>(req: IdempotentRequest<R>): Promise<R> {
    const id = `${req.account}\u0000${req.key}`;
    const known = this.knownKey<R>(id, req);
    if (known !== null) return known;
    if (this.keyFilterReady && !this.keyFilter.mightContain(id)) {
      // never stored and never enqueued here: no lookup (and no await before the apply below)
      this.keyCounts.lookupsSkipped++;
    } else {
      this.keyCounts.databaseLookups++;
      const lookup = { startedAt: this.clock() };
      this.lookups.add(lookup);
      let row: { requestHash: string; response: string } | null;
      try {
        row = await this.keyLoader.load({ account: req.account, key: req.key });
      } finally {
        this.lookups.delete(lookup);
      }
      if (row !== null) {
        if (row.requestHash !== req.requestHash) throw reused(req.key);
        return decode<R>(row.response);
      }
      // a twin may have started (or even committed) while we looked: it is in `keys` then
      const again = this.knownKey<R>(id, req);
      if (again !== null) return again;
    }
    let answer!: R;
    const { promise } = this.enqueue(req.command, null, (entry) => {
      answer = req.respond(entry);
      return { account: req.account, key: req.key, requestHash: req.requestHash, response: encode(answer) };
    });
    const state: KeyState = { requestHash: req.requestHash, answer: promise.then(() => answer), committedAt: null };
    this.keys.set(id, state);
    this.keyFilter.add(id); // before its commit: from now on the table may hold it
    promise.then(
      () => {
        state.committedAt = this.clock();
        // at most once a second
        if (state.committedAt - this.lastSweepAt >= 1_000) {
          this.lastSweepAt = state.committedAt;
          this.sweepKeys();
        }
      },
      () => this.keys.delete(id), // not acknowledged: a retry looks it up again
    );
    return state.answer as Promise<R>;
  }

  private knownKey<R>(id: string, req: IdempotentRequest<R>): Promise<R> | null {
    const k = this.keys.get(id);
    if (k === undefined) return null;
    if (k.requestHash !== req.requestHash) throw reused(req.key);
    return k.answer as Promise<R>;
  }

  /**
   * Read every stored key into the filter, one page (one statement) at a time by the primary
   * key, in the background; ready only after the last page. Keys committed meanwhile were
   * added when enqueued. A failed page is logged and read again after `retryMs` (lookups keep
   * going to the database until then); stop() ends it.
   */
  startKeyFilter(pageRows: number, retryMs: number) {
    let wake: (() => void) | null = null;
    this.stoppers.push(() => {
      this.keyFilterStopped = true;
      wake?.();
    });
    const build = async () => {
      let after: { account: string; key: string } | null = null;
      while (!this.keyFilterStopped) {
        let rows: { account: string; key: string }[];
        try {
          rows =
            after === null
              ? await this.db.$queryRawUnsafe(FIRST_KEYS_PAGE, pageRows)
              : await this.db.$queryRawUnsafe(NEXT_KEYS_PAGE, after.account, after.key, pageRows);
        } catch (error) {
          if (this.keyFilterStopped) return;
          this.log(
            `idempotency key filter: reading stored keys failed; every key is looked up in the database until a retry in ${retryMs} ms succeeds`,
            error,
          );
          await new Promise<void>((res) => {
            const timer = setTimeout(res, retryMs);
            timer.unref?.();
            wake = () => {
              clearTimeout(timer);
              res();
            };
          });
          wake = null;
          continue; // the same page again: the pages before it are in the filter
        }
        for (const r of rows) this.keyFilter.add(`${r.account}\u0000${r.key}`);
        if (rows.length < pageRows) {
          this.keyFilterReady = !this.keyFilterStopped;
          return;
        }
        after = rows[rows.length - 1]!;
        // let the event loop's other phases run between pages: embedded PGlite answers through
        // microtasks only, so back-to-back pages would hold off every setImmediate (group commit, lookups)
        await new Promise<void>((res) => setImmediate(res));
      }
    };
    this.keyFilterBuild = build().catch((e: unknown) => this.log("idempotency key filter: build stopped", e));
  }

  idempotencyStats(): IdempotencyStats {
    return {
      filterReady: this.keyFilterReady,
      filterKeys: this.keyFilter.size,
      filterLayers: this.keyFilter.layerCount,
      filterBytes: this.keyFilter.bytes,
      ...this.keyCounts,
    };
  }

  /** Forget committed keys once no database lookup that could have missed them is still running. */
  private sweepKeys() {
    let horizon = this.clock() - KEY_RETENTION_MS;
    for (const l of this.lookups) if (l.startedAt < horizon) horizon = l.startedAt;
    // keys enter `keys` in journal order and commit in that order (a failed one is removed), so
    // the expired ones are a prefix: stop at the first that is not (walking all of them — a
    // minute of orders — held the server thread ~10 ms every second)
    for (const [id, k] of this.keys) {
      if (k.committedAt === null || k.committedAt >= horizon) break;
      this.keys.delete(id);
    }
  }

  // ── markets, guards, prices ──────────────────────────────────────────────────────────

  market(symbol: string): MarketView | null {
    return this.views.get(symbol) ?? null;
  }

  markets(): MarketView[] {
    return [...this.views.values()];
  }

  async syncMarkets(): Promise<string[]> {
    const rows = await listMarkets(this.db);
    const engineParams = new Map(this.exchange.snapshot().markets.map((m) => [m.params.symbol, m.params]));
    const added: string[] = [];
    for (let view of rows) {
      const params = engineParams.get(view.symbol);
      if (params !== undefined) {
        // the engine (snapshot + journal) is the truth for a market it has: a row that missed an
        // updateMarket (its write failed after the command was journaled) follows it now
        const catalogue = catalogueFromParams(view.kind, params);
        if (!catalogueEquals(view, catalogue)) {
          this.log(
            `market ${view.symbol}: the Market row differs from the engine's parameters; rewriting the row from the engine`,
          );
          await this.db.market.update({ where: { symbol: view.symbol }, data: catalogueRow(catalogue) });
          view = { ...view, ...catalogue };
        }
      }
      this.views.set(view.symbol, view);
      if (view.status === "HALTED") this.halted.add(view.symbol);
      if (params !== undefined) continue;
      const entry = await this.submit({ type: "addMarket", config: toEngineMarketConfig(view) });
      const rejected = entry.events.find((e) => e.type === "rejected");
      if (rejected?.type === "rejected") this.log(`market ${view.symbol} refused by the engine: ${rejected.message}`);
      else added.push(view.symbol);
    }
    return added;
  }

  async updateMarketParams(
    market: string,
    params: MarketParamsUpdate,
    options: UpdateMarketParamsOptions = {},
  ): Promise<MarketParamsChange> {
    const view = this.views.get(market);
    if (view === undefined) throw new ClearlineError("MARKET_NOT_FOUND", `no market ${market}`, { market });
    const entry = await this.submit({ type: "updateMarket", market, params }, { meta: options.meta });
    const rejected = entry.events.find((e) => e.type === "rejected");
    if (rejected?.type === "rejected") throw toClearlineError(rejected);
    const updated = entry.events.find((e) => e.type === "marketUpdated");
    if (updated?.type !== "marketUpdated")
      throw new ClearlineError("INTERNAL", `updateMarket on ${market} produced no marketUpdated event`, { market });
    const change: MarketParamsChange = {
      entry,
      before: updated.before,
      after: updated.after,
      catalogue: catalogueFromParams(view.kind, updated.after),
    };
    // conversions and the funding loop read the view: it follows the engine at once
    this.views.set(market, { ...view, ...change.catalogue });
    const writeRow = async (tx: Prisma.TransactionClient) => {
      await tx.market.update({ where: { symbol: market }, data: catalogueRow(change.catalogue) });
    };
    try {
      await (options.persist ?? ((_c, write) => this.db.$transaction(write)))(change, writeRow);
    } catch (error) {
      this.log(
        `market ${market}: parameters changed in the engine at seq ${entry.seq}, but the Market row was not written (the next start rewrites it from the engine)`,
        error,
      );
      throw new ClearlineError(
        "INTERNAL",
        `the engine changed ${market}'s parameters (journal seq ${entry.seq}) but recording it failed; the next start brings the Market row in line`,
        { market, seq: entry.seq },
        { cause: error },
      );
    }
    return change;
  }

  setMarketHalted(market: string, halted: boolean) {
    if (halted) this.halted.add(market);
    else this.halted.delete(market);
  }

  setAccountSuspended(account: string, suspended: boolean) {
    if (suspended) this.suspended.add(account);
    else this.suspended.delete(account);
  }

  checkTradingAllowed(account: string, market: string | null) {
    if (this.suspended.has(account)) throw new ClearlineError("FORBIDDEN", "this account is suspended", { account });
    if (market !== null && this.halted.has(market))
      throw new ClearlineError("PRECONDITION_FAILED", `market ${market} is halted`, { market });
  }

  async loadGuards() {
    const users = await this.db.user.findMany({ where: { suspendedAt: { not: null } }, select: { address: true } });
    for (const u of users) this.suspended.add(u.address);
  }

  async overrideMarkPrice(market: string, pricePerWhole: bigint, reason: string): Promise<CommittedEntry> {
    const view = this.views.get(market);
    if (view === undefined) throw new ClearlineError("MARKET_NOT_FOUND", `no market ${market}`, { market });
    if (pricePerWhole <= 0n)
      throw new ClearlineError("PRICE_NOT_POSITIVE", "the price must be positive", { price: pricePerWhole });
    this.source?.reset?.(market, pricePerWhole);
    return this.submit(
      { type: "markPrice", market, indexPerLot: indexToPerLot(view, pricePerWhole) },
      { meta: { source: "admin", reason } },
    );
  }

  startMarkSource(source: MarkPriceSource) {
    this.source = source;
    const stop = source.start((market, price) => {
      const view = this.views.get(market);
      if (view === undefined || this.failed !== null || this.stopped) return;
      this.submit(
        { type: "markPrice", market, indexPerLot: indexToPerLot(view, price) },
        { meta: { source: "feed" } },
      ).catch((e: unknown) => this.log(`mark price for ${market} not journaled`, e));
    });
    this.stoppers.push(stop);
  }

  /** Funding at each interval boundary (the command carries the boundary's time, so replay needs no clock). */
  startFunding(checkMs: number) {
    for (const m of this.exchange.snapshot().markets)
      if (m.lastFundingMs !== null) this.lastFundingMs.set(m.params.symbol, m.lastFundingMs);
    const tick = () => {
      if (this.failed !== null || this.stopped) return;
      const now = this.clock();
      for (const view of this.views.values()) {
        if (view.kind !== "PERP" || view.fundingIntervalSec === null) continue;
        const interval = view.fundingIntervalSec * 1000;
        const boundary = Math.floor(now / interval) * interval;
        const last = this.lastFundingMs.get(view.symbol);
        if (last === undefined) {
          this.lastFundingMs.set(view.symbol, boundary); // the first payment is at the next boundary
          continue;
        }
        if (boundary < last + interval) continue;
        if (this.exchange.prices(view.symbol).markPerLot === null) continue;
        this.lastFundingMs.set(view.symbol, boundary);
        this.submit({ type: "fundingTick", market: view.symbol, timeMs: boundary }).catch((e: unknown) =>
          this.log(`funding for ${view.symbol} not journaled`, e),
        );
      }
    };
    const timer = setInterval(tick, checkMs);
    timer.unref?.();
    this.stoppers.push(() => clearInterval(timer));
  }

  // ── lifecycle ────────────────────────────────────────────────────────────────────────

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
    const g = globalThis as GlobalWithRuntime;
    if (g.__clearlineEngine === this) g.__clearlineEngine = undefined;
  }
}

function reused(key: string) {
  return new ClearlineError("IDEMPOTENCY_KEY_REUSED", `idempotency key ${key} was used for a different request`, {
    key,
  });
}

/** An index price per whole token → per lot, rounded down (an index need not sit on the tick grid). */
function indexToPerLot(view: MarketView, pricePerWhole: bigint): bigint {
  const perLot = (pricePerWhole * view.lotSize) / 10n ** BigInt(view.base.decimals);
  return perLot > 0n ? perLot : 1n;
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

type GlobalWithRuntime = typeof globalThis & {
  __clearlineEngine?: EngineRuntime;
  __clearlineEngineStarting?: Promise<EngineRuntime>;
};

/**
 * Start the process's engine runtime: recover (snapshot + journal), add markets from the Market
 * table, start the mark-price feed and funding loop, and the idempotency-key filter's build (in
 * the background). Also registers it as getEngineRuntime().
 */
export async function startEngineRuntime(options: EngineRuntimeOptions): Promise<EngineRuntime> {
  const g = globalThis as GlobalWithRuntime;
  if (g.__clearlineEngine !== undefined)
    throw new ClearlineError("CONFLICT", "an engine runtime is already running in this process (stop it first)");
  const { exchange, seq, snapshotSeq, replayed } = await recoverExchange(options.db);
  const rt = new Runtime(options, exchange, seq, snapshotSeq);
  rt.replayedOnStart = replayed;
  await rt.loadGuards();
  if (options.syncMarkets ?? true) await rt.syncMarkets();
  const source =
    typeof options.markSource === "function"
      ? options.markSource(rt.markets(), knownIndexPrices(rt))
      : options.markSource;
  if (source) rt.startMarkSource(source);
  if ((options.fundingCheckMs ?? 1_000) > 0) rt.startFunding(options.fundingCheckMs ?? 1_000);
  // not awaited: until it is ready every key not in memory is looked up, as without it
  rt.startKeyFilter(options.keyFilterPageRows ?? 10_000, options.keyFilterRetryMs ?? 5_000);
  g.__clearlineEngine = rt;
  return rt;
}

/** Index prices the engine already has, per whole token, by market. */
function knownIndexPrices(rt: Runtime): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const v of rt.markets()) {
    const p = rt.read((ex) => ex.prices(v.symbol));
    const perLot = p.indexPerLot ?? p.lastPerLot;
    if (perLot !== null) out.set(v.symbol, priceFromPerLotDown(v, perLot));
  }
  return out;
}

/** The development feed: a seeded random walk for every perpetual, from the engine's last index (or a demo default). */
export function simulatedMarkSource(settings: {
  intervalMs: number;
  driftBps: number;
  volatilityBps: number;
  seed: number;
}) {
  return (markets: readonly MarketView[], known: Map<string, bigint>): MarkPriceSource | null => {
    const perps = markets
      .filter((m) => m.kind === "PERP")
      .map((m) => {
        const start =
          known.get(m.symbol) ?? (DEFAULT_START_PRICES_WHOLE[m.base.symbol] ?? 0n) * 10n ** BigInt(m.quote.decimals);
        return { symbol: m.symbol, startPricePerWhole: (start / m.tickSize) * m.tickSize, tickSize: m.tickSize };
      })
      .filter((m) => m.startPricePerWhole > 0n);
    return perps.length === 0 ? null : randomWalkSource({ markets: perps, ...settings });
  };
}

/** The process's engine runtime, once startEngineRuntime() has run (globalThis: Next.js loads modules more than once). */
export function getEngineRuntime(): EngineRuntime {
  const rt = (globalThis as GlobalWithRuntime).__clearlineEngine;
  if (rt === undefined) throw new ClearlineError("UNAVAILABLE", "the engine is not running");
  return rt;
}

/** Like getEngineRuntime() but null when not started. */
export function maybeEngineRuntime(): EngineRuntime | null {
  return (globalThis as GlobalWithRuntime).__clearlineEngine ?? null;
}
