/** The engine runtime's contract: what callers may ask of it (EngineRuntime), how it is started, and what it reports. */
import type { Command, MarketParamsUpdate, UpdatableMarketParams } from "../../core/engine";
import type { MarketView } from "../../core/market/view";
import type { Prisma } from "../../generated/prisma/client";
import type { Db } from "../db";
import type { CommittedEntry, EnginePort, SubmitOptions } from "../ports";
import type { MarketCatalogueParams } from "./market-config";
import type { MarkPriceSource } from "./mark-feed";

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
