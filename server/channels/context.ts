/**
 * What every part of the channel service shares, owned by one ChannelService: its dependencies,
 * the asset and market lookups, the serial queue that assigns versions, the in-memory registry
 * of ACTIVE channels, the state feed and the background submissions.
 *
 * Every state is built inside the serial queue (`serial`), so versions are assigned in order;
 * the database (primary key, CHECK, trigger) refuses anything else anyway.
 */
import { CoverageLock } from "./coverage-lock";
import { ClearlineError } from "../../core/errors";
import type { Db } from "../db";
import { DEFAULT_OPENING_POLICY, type OpeningPolicy } from "./opening-policy";
import { ActiveChannelRegistry } from "./registry";
import { StateFeed } from "./state-feed";
import { PendingSubmissions } from "./submissions";
import type { ChannelAsset, ChannelMarket, ChannelServiceDeps } from "./types";

/** A `Channel` row as the database returns it. */
export type ChannelRow = NonNullable<Awaited<ReturnType<Db["channel"]["findUnique"]>>>;

/** Basis points: 10_000 = 1×. */
export const BPS = 10_000n;

export function notFound(what: string, details: Record<string, string | bigint> = {}): never {
  throw new ClearlineError("CHANNEL_NOT_FOUND", what, details);
}

export class ChannelContext {
  readonly db: Db;
  /** unix milliseconds (deps.clock, else Date.now) */
  readonly clock: () => number;
  readonly feed = new StateFeed();
  /** over the exchange's free custody balance: opens, top-ups and the admin fee withdrawal take it */
  readonly coverageLock: CoverageLock;
  /** how much coverage an opening may promise, and for how long (opening-policy.ts) */
  readonly openingPolicy: OpeningPolicy;
  /** ACTIVE channels as issuance needs them, kept in memory (registry.ts says why that is safe) */
  readonly registry: ActiveChannelRegistry;
  /** resizes, closes and checkpoints sent once co-signed, and retried in the background (null without a submitter) */
  readonly submissions: PendingSubmissions | null;
  private readonly byToken = new Map<string, ChannelAsset>();
  private readonly bySymbol = new Map<string, ChannelAsset>();
  private readonly marketBySymbol = new Map<string, ChannelMarket>();
  private serialTail: Promise<unknown> = Promise.resolve();

  constructor(readonly deps: ChannelServiceDeps) {
    this.coverageLock = deps.coverageLock ?? new CoverageLock();
    this.openingPolicy = deps.openingPolicy ?? DEFAULT_OPENING_POLICY;
    for (const a of deps.assets) {
      this.byToken.set(a.token.toLowerCase(), a);
      this.bySymbol.set(a.symbol, a);
    }
    for (const m of deps.markets) this.marketBySymbol.set(m.symbol, m);
    this.db = deps.db;
    this.clock = deps.clock ?? Date.now;
    this.registry = new ActiveChannelRegistry(deps.db);
    this.submissions = deps.submitter
      ? new PendingSubmissions({
          db: deps.db,
          chain: deps.chain,
          submitter: deps.submitter,
          clock: this.clock,
          channelChanged: (id) => this.channelChanged(id),
          options: deps.submissionRetry,
        })
      : null;
  }

  /** A channel row changed outside an issuance round: the registry of ACTIVE channels re-reads it. */
  channelChanged(channelId: string): Promise<void> {
    return this.registry.refresh(channelId);
  }

  /** Runs `fn` after everything queued before it (version assignment is serial). */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.serialTail.then(fn);
    this.serialTail = next.catch(() => undefined);
    return next;
  }

  /** Resolves once everything queued in `serial` so far has finished (whether it succeeded or failed). */
  serialIdle(): Promise<unknown> {
    return this.serialTail;
  }

  /** The channel asset of `token` (any case); INVALID_INPUT if the channels do not hold it. */
  asset(token: string): ChannelAsset {
    const a = this.byToken.get(token.toLowerCase());
    if (!a) throw new ClearlineError("INVALID_INPUT", `token ${token} is not held in channels`, { token });
    return a;
  }

  /** Whether the channels hold `token` (any case). */
  holds(token: string): boolean {
    return this.byToken.has(token.toLowerCase());
  }

  /** The channel asset that is the engine asset `symbol`, if any. */
  assetOfSymbol(symbol: string): ChannelAsset | undefined {
    return this.bySymbol.get(symbol);
  }

  market(symbol: string): ChannelMarket | undefined {
    return this.marketBySymbol.get(symbol);
  }
}
