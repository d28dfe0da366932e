/**
 * The channel service: the registry of channels, opening, state issuance after every engine
 * batch, co-signatures, partial withdrawals and exchange top-ups (RESIZE) and cooperative closes
 * (CLOSE).
 * docs/SERVICE.md ("Channels and state issuance") explains the policies.
 *
 * Every state is built inside one serial queue per process (`serial`), so versions are
 * assigned in order; the database (primary key, CHECK, trigger) refuses anything else anyway.
 */
import { getAddress, keccak256, stringToHex, type Address, type Hex } from "viem";
import {
  assertConserves,
  bytesToHex,
  channelId as computeChannelId,
  hashStateBytes,
  hashTraderAppData,
  Intent,
  stateTypedData,
  validateState,
  type ChannelDomain,
  type ChannelState,
  type FeeTotal,
  type PositionSummary,
  type StateSigner,
  type StateVerifier,
  type TraderAppData,
} from "../../core/channel";
import { ClearlineError } from "../../core/errors";
import { toClearlineError, type Exchange } from "../../core/engine";
import type { Db } from "../db";
import type { CommittedBatch, EnginePort } from "../ports";
import type { ChannelChain } from "./chain";
import { withCoverageLock } from "./coverage-lock";
import { ActiveChannelRegistry, type ActiveChannel } from "./registry";
import {
  commitRound,
  fundingColumns,
  fundingFromRow,
  releasePendingLock,
  reservedForOpening,
  StaleRoundError,
  stateFromRow,
  stateRowData,
  takePendingLock,
  type FundingEntry,
  type StoredState,
} from "./repository";
import { StateFeed } from "./state-feed";
import { PendingSubmissions, type SubmissionRetryOptions, type SubmissionStatus } from "./submissions";
import type { ChannelSubmitter } from "./submitter";

/** A token the channels hold, and the engine asset it is. */
export interface ChannelAsset {
  symbol: string;
  /** lower-case address */
  token: Address;
  decimals: number;
}

/** A market, as the issuer needs it for the app data's positions. */
export interface ChannelMarket {
  symbol: string;
  kind: "spot" | "perp";
  /** engine symbol of the settlement (quote) asset */
  quote: string;
  baseDecimals: number;
  quoteDecimals: number;
  lotSizeBase: bigint;
}

export interface ChannelServiceDeps {
  db: Db;
  engine: EnginePort;
  domain: ChannelDomain;
  signer: StateSigner;
  verifier: StateVerifier;
  assets: readonly ChannelAsset[];
  markets: readonly ChannelMarket[];
  /** exchange coverage locked at open, in basis points of the trader's deposit per token (10_000 = 1×) */
  coverageBps: bigint;
  chain: ChannelChain;
  /** absent: the service does not submit resizes and closes itself */
  submitter?: ChannelSubmitter;
  /** the background retry of submissions (submissions.ts); defaults: 1 s rounds, backoff 1 s doubling to 60 s */
  submissionRetry?: SubmissionRetryOptions;
  /** unix milliseconds */
  clock?: () => number;
  /** a fresh uint64 channel nonce */
  randomNonce?: () => bigint;
  /** false: a channel flagged needsTopUp is not topped up when its trader co-signs (requestTopUp still works); default true */
  autoTopUp?: boolean;
  /**
   * an issuance round starts at least this many ms after the previous one started (default 0);
   * batches committed meanwhile join it. Fewer, fuller rounds: one state per changed channel per
   * round instead of per batch (CHANNEL_ISSUANCE_INTERVAL_MS).
   */
  issuanceIntervalMs?: number;
}

/**
 * What requestTopUp did. issued: a RESIZE state adding `amount` per token to the exchange's side
 * is the channel's pending operation (`short` lists tokens that got less than wanted, also in the
 * channel's alert); notNeeded: the trader's equity is within the funding again (flag cleared);
 * waiting: nothing can be built now (another pending operation, the latest state not co-signed,
 * the channel not ACTIVE) — the next co-signature tries again; short: the exchange has no free
 * custody balance for any token that needs it — nothing promised, the channel's alert says so.
 */
export type TopUpOutcome =
  | {
      kind: "issued";
      version: bigint;
      topUps: { token: Address; amount: bigint; wanted: bigint }[];
      short: string | null;
    }
  | { kind: "notNeeded" }
  | { kind: "waiting"; reason: string }
  | { kind: "short"; reason: string };

/** Prefix of the channel alerts the top-up writes (and clears once a top-up gets everything it wanted). */
export const TOP_UP_ALERT = "top-up:";

export interface OpenInstructions {
  channelId: Hex;
  nonce: bigint;
  state: ChannelState;
  exchangeSignature: Hex;
  typedData: ReturnType<typeof stateTypedData>;
  /** the wallet calls custody.depositAndOpen(trader, nonce, state, { trader: its signature, exchange }) after approving each token */
  depositAndOpen: { custody: Address; trader: Address; nonce: bigint; approvals: { token: Address; amount: bigint }[] };
}

export interface PendingRequest {
  channelId: Hex;
  /** the states the trader must co-sign, oldest first (the predecessor of a RESIZE if not co-signed yet, then the new state) */
  toSign: { state: ChannelState; exchangeSignature: Hex; typedData: ReturnType<typeof stateTypedData> }[];
}

/** Batches merged into one state-issuance round: account -> asset -> fee paid in them. */
interface IssueRound {
  touched: Set<string>;
  markets: Set<string>;
  fees: Map<string, Map<string, bigint>>;
  journalSeq: bigint;
}

type ChannelRow = NonNullable<Awaited<ReturnType<Db["channel"]["findUnique"]>>>;

/** Engine account id of a trader: the EIP-55 address (the same string sessions carry). */
export function engineAccountOf(trader: string): string {
  return getAddress(trader);
}

const E8 = 100_000_000n;
const BPS = 10_000n;

function notFound(what: string, details: Record<string, string | bigint> = {}): never {
  throw new ClearlineError("CHANNEL_NOT_FOUND", what, details);
}

export class ChannelService {
  readonly feed = new StateFeed();
  private serialTail: Promise<unknown> = Promise.resolve();
  private readonly byToken = new Map<string, ChannelAsset>();
  private readonly bySymbol = new Map<string, ChannelAsset>();
  private readonly marketBySymbol = new Map<string, ChannelMarket>();
  private readonly clock: () => number;
  private unsubscribe: (() => void) | null = null;
  /** the issuance round that has not started yet: later batches merge into it */
  private nextRound: IssueRound | null = null;
  /** performance.now() when the last issuance round started (pacing, issuanceIntervalMs) */
  private lastRoundAt = -Infinity;
  /** ACTIVE channels as issuance needs them, kept in memory (registry.ts says why that is safe) */
  private readonly registry: ActiveChannelRegistry;
  /** resizes, closes and checkpoints sent once co-signed, and retried in the background (null without a submitter) */
  readonly submissions: PendingSubmissions | null;
  /** top-ups started by a co-signature and not finished yet, by channel id */
  private readonly topUpsInFlight = new Map<string, Promise<TopUpOutcome>>();

  constructor(readonly deps: ChannelServiceDeps) {
    for (const a of deps.assets) {
      this.byToken.set(a.token.toLowerCase(), a);
      this.bySymbol.set(a.symbol, a);
    }
    for (const m of deps.markets) this.marketBySymbol.set(m.symbol, m);
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

  /**
   * Tells the service a channel row changed outside its issuance rounds (the custody sink after
   * each event it records; the service itself after locks and pending states): the in-memory
   * registry of ACTIVE channels re-reads it.
   */
  channelChanged(channelId: string): Promise<void> {
    return this.registry.refresh(channelId);
  }

  /** Starts issuing states after every durable engine batch, and the background retry of pending submissions. */
  start(): void {
    this.unsubscribe ??= this.deps.engine.onCommitted((batch) => this.onCommitted(batch));
    this.submissions?.start();
  }

  /** Stops both; resolves once a submission attempt already running has finished (so it never writes to a closed database). */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await Promise.allSettled([...this.topUpsInFlight.values()]);
    await this.submissions?.stop();
  }

  /** Runs `fn` after everything queued before it (version assignment is serial). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.serialTail.then(fn);
    this.serialTail = next.catch(() => undefined);
    return next;
  }

  /** Resolves once every queued state build (and every top-up a co-signature started) has finished (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.topUpsInFlight.values()]);
    await this.serialTail;
  }

  private asset(token: string): ChannelAsset {
    const a = this.byToken.get(token.toLowerCase());
    if (!a) throw new ClearlineError("INVALID_INPUT", `token ${token} is not held in channels`, { token });
    return a;
  }

  // ── opening ──────────────────────────────────────────────────────────────────────────

  /** Builds, signs and stores the INITIALIZE state of a new channel for `trader`. */
  async prepareOpen(
    trader: Address,
    deposits: readonly { token: Address; amount: bigint }[],
  ): Promise<OpenInstructions> {
    const traderAddress = getAddress(trader);
    if (deposits.length === 0)
      throw new ClearlineError("INVALID_INPUT", "deposits: deposit at least one token", { field: "deposits" });
    const amounts = new Map<string, bigint>();
    for (const [i, d] of deposits.entries()) {
      if (!this.byToken.has(d.token.toLowerCase())) {
        const held = this.deps.assets.map((a) => a.symbol).join(", ");
        throw new ClearlineError(
          "INVALID_INPUT",
          `deposits.${i}.token: ${d.token} is not a channel token (channels hold ${held})`,
          { field: `deposits.${i}.token`, token: d.token },
        );
      }
      if (d.amount <= 0n)
        throw new ClearlineError("INVALID_INPUT", `deposits.${i}.amount: must be positive`, {
          field: `deposits.${i}.amount`,
          amount: d.amount,
        });
      const key = d.token.toLowerCase();
      if (amounts.has(key))
        throw new ClearlineError("INVALID_INPUT", `deposits.${i}.token: ${d.token} listed twice`, {
          field: `deposits.${i}.token`,
          token: d.token,
        });
      amounts.set(key, d.amount);
    }
    // the exchange's free custody balance is read, promised and stored under the process's coverage lock (coverage-lock.ts)
    return withCoverageLock(() => this.prepareOpenLocked(traderAddress, amounts));
  }

  private async prepareOpenLocked(traderAddress: Address, amounts: Map<string, bigint>): Promise<OpenInstructions> {
    const existing = await this.deps.db.channel.findFirst({
      where: { trader: traderAddress, status: { not: "CLOSED" } },
    });
    if (existing) {
      throw new ClearlineError(
        "CONFLICT",
        `channel ${existing.id} is ${existing.status}: one open channel per trader`,
        { channelId: existing.id, status: existing.status },
      );
    }
    const allocations = [];
    for (const token of [...amounts.keys()].sort()) {
      const traderAmount = amounts.get(token)!;
      // coverage policy: coverageBps of the deposit, rounded down, never more than the exchange's free custody balance
      const wanted = (traderAmount * this.deps.coverageBps) / BPS;
      const available = await this.deps.chain.exchangeAvailable(token as Address);
      const reserved = await reservedForOpening(this.deps.db, token);
      const free = available > reserved ? available - reserved : 0n;
      allocations.push({ token: token as Address, traderAmount, exchangeAmount: wanted < free ? wanted : free });
    }
    const nonce = (this.deps.randomNonce ?? randomNonce)();
    const id = computeChannelId({
      chainId: this.deps.domain.chainId,
      custody: this.deps.domain.verifyingContract,
      trader: traderAddress,
      exchange: this.deps.signer.address,
      nonce,
    });
    const appData: TraderAppData = {
      journalSeq: 0n,
      markTime: BigInt(Math.floor(this.clock() / 1000)),
      fees: [],
      positions: [],
    };
    const state: ChannelState = {
      channelId: id,
      version: 0n,
      intent: Intent.INITIALIZE,
      allocations,
      appDataHash: hashTraderAppData(appData),
    };
    const { signature, digest } = this.deps.signer.sign(this.deps.domain, state);
    const funding = allocations.map((a) => ({ token: a.token, total: a.traderAmount + a.exchangeAmount }));
    await this.deps.db.$transaction([
      this.deps.db.channel.create({
        data: { id, trader: traderAddress, nonce, status: "OPENING", latestVersion: 0n, ...fundingColumns(funding) },
      }),
      this.deps.db.channelState.create({
        data: stateRowData({
          state,
          appData,
          stateHash: bytesToHex(digest),
          exchangeSignature: signature,
          traderSignature: null,
        }),
      }),
    ]);
    return {
      channelId: id,
      nonce,
      state,
      exchangeSignature: signature,
      typedData: stateTypedData(this.deps.domain, state),
      depositAndOpen: {
        custody: this.deps.domain.verifyingContract,
        trader: traderAddress,
        nonce,
        approvals: allocations.map((a) => ({ token: a.token, amount: a.traderAmount })),
      },
    };
  }

  // ── issuance ─────────────────────────────────────────────────────────────────────────

  /**
   * The engine listener: new OPERATE states for every active channel whose trader the batch touched.
   * Batches that commit while earlier states are still being built are merged into one round
   * (touched accounts and markets united, fees summed, the last journal seq): every state is
   * built from the engine's current view anyway, so the newest state per channel is the same,
   * with one database round per round instead of per batch. Returns at once (the runtime then
   * hands over the next batch); `idle()` waits for the states.
   */
  onCommitted(batch: CommittedBatch): Promise<void> {
    if (batch.entries.length === 0) return Promise.resolve();
    let round = this.nextRound;
    if (round === null) {
      const r: IssueRound = { touched: new Set(), markets: new Set(), fees: new Map(), journalSeq: 0n };
      this.nextRound = round = r;
      this.serial(async () => {
        // paced on the monotonic clock (the injected clock is for timestamps): batches meanwhile join `r`
        const wait = this.lastRoundAt + (this.deps.issuanceIntervalMs ?? 0) - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        this.lastRoundAt = performance.now();
        if (this.nextRound === r) this.nextRound = null; // batches from now on form the next round
        return this.issueFor(r.touched, r.markets, r.fees, r.journalSeq);
      }).catch((e: unknown) => console.error("[channels] state issuance failed", e));
    }
    const { touched, markets, fees } = round;
    const addFee = (account: string, asset: string, amount: bigint) => {
      if (amount === 0n) return;
      let m = fees.get(account);
      if (!m) fees.set(account, (m = new Map()));
      m.set(asset, (m.get(asset) ?? 0n) + amount);
    };
    for (const entry of batch.entries) {
      for (const e of entry.events) {
        switch (e.type) {
          case "balance":
          case "position":
          case "fundingPayment":
            touched.add(e.account);
            break;
          case "fill": {
            touched.add(e.maker);
            touched.add(e.taker);
            const quote = this.marketBySymbol.get(e.market)?.quote;
            if (quote) {
              addFee(e.maker, quote, e.makerFeeQuote);
              addFee(e.taker, quote, e.takerFeeQuote);
            }
            break;
          }
          case "markPrice":
            markets.add(e.market);
            break;
        }
      }
    }
    round.journalSeq = batch.entries[batch.entries.length - 1]!.seq;
    return Promise.resolve();
  }

  /**
   * One issuance round: a constant number of statements whatever the number of channels (the
   * ACTIVE channels and their latest states come from the in-memory registry; one UPDATE and one
   * INSERT in one transaction, repository.commitRound). A stale registry (commitRound refused a
   * version) is reloaded and the round built once more.
   */
  private async issueFor(
    touched: Set<string>,
    markets: Set<string>,
    fees: Map<string, Map<string, bigint>>,
    journalSeq: bigint,
  ): Promise<void> {
    await this.registry.load();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.issueRound(touched, markets, fees, journalSeq);
      } catch (error) {
        if (!(error instanceof StaleRoundError) || attempt > 0) throw error;
        console.error(`[channels] ${error.message}: registry reloaded, round built again`);
        await this.registry.reload();
      }
    }
  }

  private async issueRound(
    touched: Set<string>,
    markets: Set<string>,
    fees: Map<string, Map<string, bigint>>,
    journalSeq: bigint,
  ): Promise<void> {
    const perpMarkets = [...markets].filter((m) => this.marketBySymbol.get(m)?.kind === "perp");
    const candidates: ActiveChannel[] = [];
    if (perpMarkets.length > 0) {
      // a mark price moves every channel holding a position in that perpetual
      const withPosition = new Set(
        this.deps.engine.read((ex) =>
          [...this.registry.all()]
            .filter((c) => perpMarkets.some((m) => ex.position(c.trader, m).sizeBase !== 0n))
            .map((c) => c.id),
        ),
      );
      for (const c of this.registry.all()) if (withPosition.has(c.id) || touched.has(c.trader)) candidates.push(c);
    } else {
      for (const account of touched) {
        const c = this.registry.ofTrader(account);
        if (c) candidates.push(c);
      }
    }
    const chosen = candidates.filter((c) => {
      // a withdrawal or close is being built on the latest state: it goes first, later batches build on it
      if (c.pendingOp !== null && c.pendingVersion === null) return false;
      // a cancelled withdrawal waits for its replacement state to be registered on-chain (then the engine credit comes back)
      if (c.pendingOp === "CANCEL") return false;
      return c.latestIntent !== Intent.CLOSE;
    });
    if (chosen.length === 0) return;
    const built: {
      stored: Omit<StoredState, "createdAt" | "trader">;
      previousVersion: bigint;
      needsTopUp: boolean;
      trader: Address;
    }[] = [];
    for (const channel of chosen) {
      const next = this.buildState(
        channel,
        channel.funding,
        channel.latestAppData,
        fees.get(channel.trader),
        journalSeq,
        Intent.OPERATE,
      );
      built.push({
        stored: next.stored,
        previousVersion: channel.latestVersion,
        needsTopUp: next.overFunding,
        trader: channel.trader as Address,
      });
    }
    await commitRound(this.deps.db, built);
    const now = new Date();
    for (const b of built) {
      this.registry.advanced(b.stored.state.channelId, b.stored.state.version, b.stored.state.intent, b.stored.appData);
      this.feed.publish(b.trader, { ...b.stored, trader: b.trader, createdAt: now });
    }
  }

  /**
   * The next state of `channel` from the engine's current view of its trader: per token the
   * trader's equity as if every position closed at the mark (floored at zero, capped at the
   * funding), the exchange the rest.
   */
  private buildState(
    channel: Pick<ChannelRow, "id" | "trader" | "latestVersion">,
    funding: readonly FundingEntry[],
    previousAppData: TraderAppData,
    batchFees: Map<string, bigint> | undefined,
    journalSeq: bigint,
    intent: Intent,
  ): { stored: Omit<StoredState, "createdAt" | "trader">; overFunding: boolean } {
    const account = channel.trader;
    let overFunding = false;
    const { allocations, positions } = this.deps.engine.read((ex) => {
      const allocations = funding.map((f) => {
        const equity = this.traderEquity(ex, account, this.asset(f.token).symbol);
        if (equity > f.total) overFunding = true;
        const traderAmount = equity > f.total ? f.total : equity;
        return { token: f.token, traderAmount, exchangeAmount: f.total - traderAmount };
      });
      return { allocations, positions: this.positionsOf(ex, account) };
    });
    const feeTotals = new Map<string, bigint>();
    for (const f of previousAppData.fees) feeTotals.set(f.token.toLowerCase(), f.paid);
    if (batchFees) {
      for (const [symbol, amount] of batchFees) {
        const asset = this.bySymbol.get(symbol);
        if (!asset) continue;
        const key = asset.token.toLowerCase();
        const total = (feeTotals.get(key) ?? 0n) + amount;
        feeTotals.set(key, total > 0n ? total : 0n); // rebates can bring a total down, never below zero
      }
    }
    const appFees: FeeTotal[] = [...feeTotals]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([token, paid]) => ({ token: token as Address, paid }));
    const appData: TraderAppData = {
      journalSeq: journalSeq > previousAppData.journalSeq ? journalSeq : previousAppData.journalSeq,
      markTime: BigInt(Math.floor(this.clock() / 1000)),
      fees: appFees,
      positions,
    };
    const state: ChannelState = {
      channelId: channel.id as Hex,
      version: channel.latestVersion + 1n,
      intent,
      allocations,
      appDataHash: hashTraderAppData(appData),
    };
    assertConserves(state, funding);
    const { signature, digest } = this.deps.signer.sign(this.deps.domain, state);
    return {
      stored: { state, appData, stateHash: bytesToHex(digest), exchangeSignature: signature, traderSignature: null },
      overFunding,
    };
  }

  /** Equity in one asset: available + locked in orders + positions at mark (settlement assets), floored at zero. */
  private traderEquity(ex: Exchange, account: string, asset: string): bigint {
    const equity = ex.risk(account, asset).equityQuote + ex.balance(account, asset).locked;
    return equity > 0n ? equity : 0n;
  }

  private positionsOf(ex: Exchange, account: string): PositionSummary[] {
    const out: PositionSummary[] = [];
    for (const m of this.deps.markets) {
      if (m.kind !== "perp") continue;
      const p = ex.position(account, m.symbol);
      if (p.sizeBase === 0n) continue;
      const collateral = this.bySymbol.get(m.quote);
      if (!collateral) continue;
      const markPerLot = ex.prices(m.symbol).markPerLot ?? 0n;
      const lots = p.sizeBase / m.lotSizeBase;
      const baseUnit = 10n ** BigInt(m.baseDecimals);
      const quoteUnit = 10n ** BigInt(m.quoteDecimals);
      const abs = p.sizeBase < 0n ? -p.sizeBase : p.sizeBase;
      const entryAbs = p.entryQuote < 0n ? -p.entryQuote : p.entryQuote;
      out.push({
        market: keccak256(stringToHex(m.symbol)),
        sizeE8: (p.sizeBase * E8) / baseUnit, // truncated toward zero: display only
        entryPriceE8: (entryAbs * baseUnit * E8) / (abs * quoteUnit),
        markPriceE8: (markPerLot * baseUnit * E8) / (m.lotSizeBase * quoteUnit),
        collateral: collateral.token,
        unrealizedPnl: lots * markPerLot - p.entryQuote,
      });
    }
    return out;
  }

  // ── co-signatures ────────────────────────────────────────────────────────────────────

  /**
   * Stores the trader's signature of `version` after checking it (strict form, this chain,
   * contract and channel, the channel's trader; ERC-1271 through the custody contract for a
   * contract wallet). Submits a pending resize, close or checkpoint once everything it needs is
   * signed. A submission that fails does not fail the call: the co-signature is stored, and
   * `submission` says what happened (state "retrying" with the error and the next attempt, which
   * the background loop makes; "refused"/"failed" with the reason, also in the channel's alert).
   */
  async submitCoSignature(
    trader: Address,
    channelId: Hex,
    version: bigint,
    signature: Hex,
  ): Promise<{ coSignedVersion: bigint; submittedTx: Hex | null; submission: SubmissionStatus | null }> {
    const { db } = this.deps;
    const channel = await db.channel.findUnique({ where: { id: channelId.toLowerCase() } });
    if (!channel || channel.trader !== getAddress(trader))
      notFound(`no channel ${channelId} of ${trader}`, { channelId });
    const row = await db.channelState.findUnique({ where: { channelId_version: { channelId: channel.id, version } } });
    if (!row) notFound(`channel ${channelId} has no state v${version}`, { channelId, version });
    if (channel.pendingOp === "CANCEL" && (row.intent === Intent.RESIZE || row.intent === Intent.CLOSE)) {
      const what = row.intent === Intent.RESIZE ? "withdrawal" : "close";
      throw new ClearlineError(
        "PRECONDITION_FAILED",
        `the ${what} at v${version} was cancelled: co-sign v${channel.pendingVersion ?? version + 1n} instead`,
        { channelId, version },
      );
    }
    if (channel.pendingOp === "RESIZE" && channel.pendingVersion !== null && version > channel.pendingVersion) {
      const resize = await db.channelState.findUnique({
        where: { channelId_version: { channelId: channel.id, version: channel.pendingVersion } },
      });
      if (!resize?.traderSignature) {
        throw new ClearlineError("PRECONDITION_FAILED", `co-sign the RESIZE state v${channel.pendingVersion} first`, {
          channelId,
          version,
          resizeVersion: channel.pendingVersion,
        });
      }
    }
    const stored = stateFromRow(row, channel.trader as Address);
    await this.verifyTraderSignature(channel.trader as Address, stored.state, signature);
    await db.$transaction([
      db.channelState.update({
        where: { channelId_version: { channelId: channel.id, version } },
        data: { traderSignature: signature },
      }),
      db.channel.updateMany({
        where: { id: channel.id, OR: [{ coSignedVersion: null }, { coSignedVersion: { lt: version } }] },
        data: { coSignedVersion: version },
      }),
    ]);
    const fresh = await db.channel.findUniqueOrThrow({ where: { id: channel.id } });
    // the latest state now carries both signatures: a top-up can be built on it (not awaited: it reads the chain)
    if (
      fresh.needsTopUp &&
      fresh.pendingOp === null &&
      fresh.status === "ACTIVE" &&
      version === fresh.latestVersion &&
      this.deps.autoTopUp !== false
    ) {
      this.startTopUp(channel.id);
    }
    const submission = (await this.submissions?.submitNow(channel.id)) ?? null;
    const submittedTx = submission?.state === "submitted" ? submission.txHash : null;
    return { coSignedVersion: fresh.coSignedVersion ?? version, submittedTx, submission };
  }

  private async verifyTraderSignature(trader: Address, state: ChannelState, signature: Hex): Promise<void> {
    const digest = hashStateBytes(this.deps.domain, state);
    if (this.deps.verifier.verifyDigest(digest, signature, trader)) return;
    // a smart-contract wallet signs with ERC-1271: ask the custody contract, as it will at use
    if (/^0x[0-9a-fA-F]*$/.test(signature) && (await this.deps.chain.isContract(trader))) {
      if (await this.deps.chain.isValidStateSignature(trader, state, signature)) return;
    }
    throw new ClearlineError(
      "CHANNEL_SIGNATURE_INVALID",
      `not ${trader}'s signature of channel ${state.channelId} v${state.version} on chain ${this.deps.domain.chainId}`,
      {
        channelId: state.channelId,
        version: state.version,
        signer: trader,
      },
    );
  }

  // ── partial withdrawal and cooperative close ────────────────────────────────────────

  private async activeChannelOf(trader: Address): Promise<ChannelRow> {
    const channel = await this.deps.db.channel.findFirst({ where: { trader: getAddress(trader), status: "ACTIVE" } });
    if (!channel) notFound(`${trader} has no active channel`, { trader });
    return channel;
  }

  /**
   * Partial withdrawal: takes the channel's pending-operation lock (one per channel, in the
   * database), debits the engine (which refuses unrealized profit and margin), and issues a
   * RESIZE state with the reduced funding for the trader to co-sign. The engine debit stands
   * until the chain confirms the resize: the funds are locked meanwhile.
   */
  async requestWithdraw(trader: Address, token: Address, amount: bigint): Promise<PendingRequest> {
    if (amount <= 0n) throw new ClearlineError("INVALID_INPUT", "amount must be positive", { amount });
    const asset = this.asset(token);
    const channel = await this.activeChannelOf(trader);
    const funding = fundingFromRow(channel);
    const entry = funding.find((f) => f.token.toLowerCase() === asset.token);
    if (!entry) throw new ClearlineError("INVALID_INPUT", `channel ${channel.id} holds no ${asset.symbol}`, { token });
    if (!(await takePendingLock(this.deps.db, channel.id, "RESIZE"))) {
      throw new ClearlineError(
        "CONFLICT",
        `channel ${channel.id} already has a withdrawal or close waiting for the chain`,
        { channelId: channel.id },
      );
    }
    await this.channelChanged(channel.id); // issuance skips the channel from now on
    let debited = false;
    try {
      if (amount > entry.total)
        throw new ClearlineError("PRECONDITION_FAILED", `the channel holds only ${entry.total} ${asset.symbol}`, {
          amount,
          funding: entry.total,
        });
      await this.engineDebit(channel.trader, asset.symbol, amount);
      debited = true;
      const debits = [{ asset: asset.symbol, amount: amount.toString() }];
      return await this.serial(async () => {
        const fresh = await this.deps.db.channel.findUniqueOrThrow({ where: { id: channel.id } });
        const newFunding = fundingFromRow(fresh).map((f) =>
          f.token.toLowerCase() === asset.token ? { token: f.token, total: f.total - amount } : f,
        );
        return this.issuePending(fresh, newFunding, Intent.RESIZE, debits);
      });
    } catch (error) {
      if (debited) await this.engineCredit(channel.trader, asset.symbol, amount).catch(() => undefined);
      await releasePendingLock(this.deps.db, channel.id, "RESIZE");
      await this.channelChanged(channel.id);
      throw error;
    }
  }

  /**
   * Cancels a partial withdrawal whose RESIZE state (version R) the trader has not co-signed.
   * The exchange already signed R, so the trader could still co-sign it and call resize() on
   * the contract themselves: the engine debit therefore stays until the chain makes R unusable.
   * This issues an OPERATE state R+1 on the funding before the withdrawal (the trader's amount
   * includes the withdrawn amount again) for the trader to co-sign; the service then checkpoints
   * R+1 on-chain, and once ChannelCheckpointed (or a ChallengeAnswered) at ≥ R+1 is seen the
   * custody sink credits the engine back and releases the lock. If R gets mined first instead,
   * the withdrawal simply completes (the debit stands) and the checkpoint fails.
   */
  cancelWithdraw(trader: Address): Promise<PendingRequest> {
    return this.cancelPending(trader, "RESIZE");
  }

  /**
   * Cancels a cooperative close whose CLOSE state (version C) the trader has not co-signed, the
   * same way as cancelWithdraw: an OPERATE state C+1 paying the trader's balance back, for the
   * trader to co-sign and the service to checkpoint; once the chain shows it the engine is
   * credited back and the channel is ACTIVE again. If C gets mined first, the close completes.
   */
  cancelClose(trader: Address): Promise<PendingRequest> {
    return this.cancelPending(trader, "CLOSE");
  }

  private async cancelPending(trader: Address, op: "RESIZE" | "CLOSE"): Promise<PendingRequest> {
    const { db } = this.deps;
    const what = op === "RESIZE" ? "withdrawal" : "close";
    const channel = await db.channel.findFirst({
      where: { trader: getAddress(trader), status: op === "RESIZE" ? "ACTIVE" : "CLOSING" },
    });
    if (!channel) notFound(`${trader} has no ${op === "RESIZE" ? "active" : "closing"} channel`, { trader });
    const pendingVersion = channel.pendingVersion;
    if (channel.pendingOp !== op || pendingVersion === null) {
      throw new ClearlineError(
        "PRECONDITION_FAILED",
        `channel ${channel.id} has no ${what} waiting for a co-signature`,
        { channelId: channel.id },
      );
    }
    const switched = await db.channel.updateMany({
      where: { id: channel.id, pendingOp: op, pendingVersion },
      data: { pendingOp: "CANCEL", pendingVersion: null },
    });
    if (switched.count !== 1)
      throw new ClearlineError(
        "CONFLICT",
        `the ${what} of channel ${channel.id} changed meanwhile; look at channel.status`,
        { channelId: channel.id },
      );
    await this.channelChanged(channel.id);
    try {
      const cancelled = await db.channelState.findUniqueOrThrow({
        where: { channelId_version: { channelId: channel.id, version: pendingVersion } },
      });
      if (cancelled.traderSignature !== null) {
        throw new ClearlineError(
          "CONFLICT",
          `the ${what} v${pendingVersion} is co-signed already: it completes when the chain confirms it`,
          { channelId: channel.id, version: pendingVersion },
        );
      }
      return await this.serial(async () => {
        const fresh = await db.channel.findUniqueOrThrow({ where: { id: channel.id } });
        // the funding before the cancelled state (a withdrawal lowered it; a close kept it)
        const before = await db.channelState.findUniqueOrThrow({
          where: { channelId_version: { channelId: channel.id, version: pendingVersion - 1n } },
        });
        const previous = stateFromRow(before, channel.trader as Address);
        const funding = previous.state.allocations.map((a) => ({
          token: a.token,
          total: a.traderAmount + a.exchangeAmount,
        }));
        const latest = stateFromRow(
          await db.channelState.findUniqueOrThrow({
            where: { channelId_version: { channelId: channel.id, version: fresh.latestVersion } },
          }),
          channel.trader as Address,
        );
        const built = this.buildState(
          fresh,
          funding,
          latest.appData,
          undefined,
          latest.appData.journalSeq,
          Intent.OPERATE,
        );
        // the engine still holds the debit: the replacement pays the trader as if it were credited back
        const back = new Map<string, bigint>();
        for (const d of (fresh.pendingDebits ?? []) as { asset: string; amount: string }[]) {
          const token = this.bySymbol.get(d.asset)!.token.toLowerCase();
          back.set(token, (back.get(token) ?? 0n) + BigInt(d.amount));
        }
        const allocations = built.stored.state.allocations.map((a) => {
          const want = a.traderAmount + (back.get(a.token.toLowerCase()) ?? 0n);
          const traderAmount = want > a.traderAmount + a.exchangeAmount ? a.traderAmount + a.exchangeAmount : want;
          return { token: a.token, traderAmount, exchangeAmount: a.traderAmount + a.exchangeAmount - traderAmount };
        });
        const state = { ...built.stored.state, allocations };
        assertConserves(state, funding);
        validateState(state);
        const { signature, digest } = this.deps.signer.sign(this.deps.domain, state);
        const stored = { ...built.stored, state, exchangeSignature: signature, stateHash: bytesToHex(digest) };
        await db.$transaction([
          db.channelState.createMany({ data: [stateRowData(stored)] }),
          db.channel.update({
            where: { id: channel.id },
            data: { latestVersion: state.version, pendingVersion: state.version, ...fundingColumns(funding) },
          }),
        ]);
        await this.channelChanged(channel.id);
        this.feed.publish(channel.trader, { ...stored, trader: channel.trader as Address, createdAt: new Date() });
        return {
          channelId: channel.id as Hex,
          toSign: [{ state, exchangeSignature: signature, typedData: stateTypedData(this.deps.domain, state) }],
        };
      });
    } catch (error) {
      await db.channel.updateMany({
        where: { id: channel.id, pendingOp: "CANCEL", pendingVersion: null },
        data: { pendingOp: op, pendingVersion },
      });
      await this.channelChanged(channel.id);
      throw error;
    }
  }

  // ── exchange top-up ──────────────────────────────────────────────────────────────────

  /** Runs requestTopUp for the channel in the background (once at a time per channel); idle() and stop() wait for it. */
  private startTopUp(channelId: string): void {
    const id = channelId.toLowerCase();
    if (this.topUpsInFlight.has(id)) return;
    const run = this.requestTopUp(id)
      .catch((error: unknown): TopUpOutcome => {
        console.error(`[channels] top-up of ${id} failed`, error);
        return { kind: "waiting", reason: error instanceof Error ? error.message : String(error) };
      })
      .finally(() => this.topUpsInFlight.delete(id));
    this.topUpsInFlight.set(id, run);
  }

  /**
   * Exchange top-up of a channel whose trader's equity went above its funding (`needsTopUp`):
   * a RESIZE state, built on the latest state (which must be co-signed: the contract's resize
   * needs its predecessor co-signed, and the app co-signs only the latest state and a pending
   * RESIZE), that keeps every trader amount and raises the exchange's amount per token by
   *   wanted = equity × (10 000 + coverageBps) / 10 000 − funding   (rounded down)
   * — the coverage the exchange would lock opening a channel with that equity — bounded by the
   * exchange's free custody balance minus what is promised already (reservedForOpening: OPENING
   * channels and other pending top-ups). Balance read, amount promised and state stored run under
   * the coverage lock (so a fee withdrawal or an open cannot take the same tokens) and under the
   * channel's pending-operation lock (RESIZE, as a withdrawal: one pending resize per channel).
   * The trader co-signs it like any new state; the service submits `resize` once co-signed (the
   * exchange's tokens move from its custody account into the channel); the custody sink's
   * ChannelResized releases the lock and clears `needsTopUp`. The trader amounts stay as they
   * were, so the trader adds nothing and takes nothing out: the next state gives them their
   * equity within the larger funding. A short balance is written to the channel's alert.
   */
  async requestTopUp(channelId: string): Promise<TopUpOutcome> {
    const { db } = this.deps;
    const id = channelId.toLowerCase();
    return withCoverageLock(async () => {
      const channel = await db.channel.findUnique({ where: { id } });
      if (!channel) notFound(`no channel ${channelId}`, { channelId });
      if (channel.status !== "ACTIVE") return { kind: "waiting", reason: `channel ${id} is ${channel.status}` };
      if (!(await takePendingLock(db, id, "RESIZE")))
        return { kind: "waiting", reason: `channel ${id} has a pending ${channel.pendingOp ?? "operation"}` };
      await this.channelChanged(id); // issuance skips the channel from now on
      let issued = false;
      try {
        // the free balance per token that may need coverage, read before the serial queue (chain reads must not hold up issuance)
        const account = channel.trader;
        const funding = fundingFromRow(channel);
        const over = this.deps.engine.read((ex) =>
          funding.filter((f) => this.traderEquity(ex, account, this.asset(f.token).symbol) > f.total),
        );
        const free = new Map<string, { available: bigint; reserved: bigint }>();
        for (const f of over) {
          const token = f.token.toLowerCase();
          const [available, reserved] = await Promise.all([
            this.deps.chain.exchangeAvailable(token as Address),
            reservedForOpening(db, token),
          ]);
          free.set(token, { available, reserved });
        }
        const outcome = await this.serial(() => this.issueTopUp(id, free));
        issued = outcome.kind === "issued";
        return outcome;
      } finally {
        if (!issued) {
          await releasePendingLock(db, id, "RESIZE");
          await this.channelChanged(id);
        }
      }
    });
  }

  /** The top-up's state, under the serial queue (requestTopUp holds the coverage and pending locks). */
  private async issueTopUp(
    id: string,
    free: Map<string, { available: bigint; reserved: bigint }>,
  ): Promise<TopUpOutcome> {
    const { db } = this.deps;
    const channel = await db.channel.findUniqueOrThrow({ where: { id } });
    const latest = stateFromRow(
      await db.channelState.findUniqueOrThrow({
        where: { channelId_version: { channelId: id, version: channel.latestVersion } },
      }),
      channel.trader as Address,
    );
    if (latest.traderSignature === null) {
      return {
        kind: "waiting",
        reason: `the trader has not co-signed v${channel.latestVersion}: a top-up is built on a co-signed state (tried again at the next co-signature)`,
      };
    }
    const topUps: { token: Address; amount: bigint; wanted: bigint }[] = [];
    const shortfalls: string[] = [];
    this.deps.engine.read((ex) => {
      for (const a of latest.state.allocations) {
        const total = a.traderAmount + a.exchangeAmount;
        const equity = this.traderEquity(ex, channel.trader, this.asset(a.token).symbol);
        if (equity <= total) continue;
        const wanted = (equity * (BPS + this.deps.coverageBps)) / BPS - total;
        const f = free.get(a.token.toLowerCase()) ?? { available: 0n, reserved: 0n };
        const freeAmount = f.available > f.reserved ? f.available - f.reserved : 0n;
        const amount = wanted < freeAmount ? wanted : freeAmount;
        if (amount < wanted) {
          shortfalls.push(
            `${this.asset(a.token).symbol} wanted ${wanted}, free ${freeAmount} (custody balance ${f.available} − ${f.reserved} promised to openings and top-ups)`,
          );
        }
        if (amount > 0n) topUps.push({ token: a.token, amount, wanted });
      }
    });
    const keepAlert = channel.alert !== null && !channel.alert.startsWith(TOP_UP_ALERT);
    if (topUps.length === 0 && shortfalls.length === 0) {
      await db.channel.update({ where: { id }, data: { needsTopUp: false, ...(keepAlert ? {} : { alert: null }) } });
      return { kind: "notNeeded" };
    }
    const short =
      shortfalls.length === 0
        ? null
        : `${TOP_UP_ALERT} the exchange's free custody balance does not cover channel ${id}: ${shortfalls.join("; ")}`;
    if (topUps.length === 0) {
      if (!keepAlert && channel.alert !== short) {
        console.error(`channel ${id}: ${short}`);
        await db.channel.update({ where: { id }, data: { alert: short } });
      }
      return { kind: "short", reason: short! };
    }
    const added = new Map(topUps.map((t) => [t.token.toLowerCase(), t.amount]));
    const allocations = latest.state.allocations.map((a) => ({
      token: a.token,
      traderAmount: a.traderAmount,
      exchangeAmount: a.exchangeAmount + (added.get(a.token.toLowerCase()) ?? 0n),
    }));
    const funding = allocations.map((a) => ({ token: a.token, total: a.traderAmount + a.exchangeAmount }));
    // the app data stays the predecessor's: it explains the trader amounts, which do not change
    const state: ChannelState = {
      channelId: id as Hex,
      version: latest.state.version + 1n,
      intent: Intent.RESIZE,
      allocations,
      appDataHash: latest.state.appDataHash,
    };
    assertConserves(state, funding);
    validateState(state);
    const { signature, digest } = this.deps.signer.sign(this.deps.domain, state);
    const stored = {
      state,
      appData: latest.appData,
      stateHash: bytesToHex(digest),
      exchangeSignature: signature,
      traderSignature: null,
    };
    await db.$transaction([
      db.channelState.createMany({ data: [stateRowData(stored)] }),
      db.channel.update({
        where: { id },
        data: {
          latestVersion: state.version,
          pendingVersion: state.version,
          pendingDebits: [],
          ...fundingColumns(funding),
          ...(keepAlert ? {} : { alert: short }),
        },
      }),
    ]);
    if (short) console.error(`channel ${id}: ${short}`);
    await this.channelChanged(id);
    this.feed.publish(channel.trader, { ...stored, trader: channel.trader as Address, createdAt: new Date() });
    return { kind: "issued", version: state.version, topUps, short };
  }

  /**
   * Cooperative close. Every position must be closed and every order cancelled first (the
   * trader decides at what price to exit, not us). The trader's whole balance per channel
   * token (up to the funding) is debited in the engine and paid by a CLOSE state.
   */
  async requestClose(trader: Address): Promise<PendingRequest> {
    const channel = await this.activeChannelOf(trader);
    const account = channel.trader;
    const busy = this.deps.engine.read((ex) => ({
      orders: ex.openOrders(account).length,
      positions: this.deps.markets
        .filter((m) => m.kind === "perp" && ex.position(account, m.symbol).sizeBase !== 0n)
        .map((m) => m.symbol),
    }));
    if (busy.orders > 0 || busy.positions.length > 0) {
      throw new ClearlineError(
        "PRECONDITION_FAILED",
        "close every position and cancel every order before closing the channel",
        {
          openOrders: busy.orders,
          openPositions: busy.positions.join(","),
        },
      );
    }
    if (!(await takePendingLock(this.deps.db, channel.id, "CLOSE"))) {
      throw new ClearlineError(
        "CONFLICT",
        `channel ${channel.id} already has a withdrawal or close waiting for the chain`,
        { channelId: channel.id },
      );
    }
    await this.channelChanged(channel.id); // issuance skips the channel from now on
    const debits: { asset: string; amount: string }[] = [];
    try {
      for (const f of fundingFromRow(channel)) {
        const symbol = this.asset(f.token).symbol;
        const balance = this.deps.engine.read((ex) => ex.balance(account, symbol).available);
        const amount = balance < f.total ? balance : f.total;
        if (amount <= 0n) continue;
        await this.engineDebit(account, symbol, amount);
        debits.push({ asset: symbol, amount: amount.toString() });
      }
      return await this.serial(async () => {
        const fresh = await this.deps.db.channel.findUniqueOrThrow({ where: { id: channel.id } });
        await this.deps.db.channel.update({ where: { id: channel.id }, data: { status: "CLOSING" } });
        return this.issuePending(fresh, fundingFromRow(fresh), Intent.CLOSE, debits);
      });
    } catch (error) {
      for (const d of debits) await this.engineCredit(account, d.asset, BigInt(d.amount)).catch(() => undefined);
      await this.deps.db.channel.update({ where: { id: channel.id }, data: { status: "ACTIVE" } });
      await releasePendingLock(this.deps.db, channel.id, "CLOSE");
      await this.channelChanged(channel.id);
      throw error;
    }
  }

  /** Builds the RESIZE or CLOSE state (under the serial queue) and records it as the pending operation. */
  private async issuePending(
    channel: ChannelRow,
    funding: FundingEntry[],
    intent: Intent,
    debits: { asset: string; amount: string }[],
  ): Promise<PendingRequest> {
    const { db } = this.deps;
    const latest = await db.channelState.findUniqueOrThrow({
      where: { channelId_version: { channelId: channel.id, version: channel.latestVersion } },
    });
    const previous = stateFromRow(latest, channel.trader as Address);
    const journalSeq = previous.appData.journalSeq;
    const built = this.buildState(channel, funding, previous.appData, undefined, journalSeq, intent);
    if (intent === Intent.CLOSE) {
      // the CLOSE pays exactly what was debited; what stays in the engine (beyond funding) is not in it
      const paid = new Map(debits.map((d) => [this.bySymbol.get(d.asset)!.token, BigInt(d.amount)]));
      const allocations = funding.map((f) => {
        const traderAmount = paid.get(f.token.toLowerCase() as Address) ?? 0n;
        return { token: f.token, traderAmount, exchangeAmount: f.total - traderAmount };
      });
      const state = { ...built.stored.state, allocations };
      const { signature, digest } = this.deps.signer.sign(this.deps.domain, state);
      built.stored = { ...built.stored, state, exchangeSignature: signature, stateHash: bytesToHex(digest) };
    }
    validateState(built.stored.state);
    await db.$transaction([
      db.channelState.createMany({ data: [stateRowData(built.stored)] }),
      db.channel.update({
        where: { id: channel.id },
        data: {
          latestVersion: built.stored.state.version,
          pendingVersion: built.stored.state.version,
          pendingDebits: debits,
          ...fundingColumns(funding),
        },
      }),
    ]);
    await this.channelChanged(channel.id);
    const stored = { ...built.stored, trader: channel.trader as Address, createdAt: new Date() };
    this.feed.publish(channel.trader, stored);
    const toSign = [];
    if (intent === Intent.RESIZE && latest.traderSignature === null) toSign.push(previous);
    toSign.push(stored);
    return {
      channelId: channel.id as Hex,
      toSign: toSign.map((s) => ({
        state: s.state,
        exchangeSignature: s.exchangeSignature,
        typedData: stateTypedData(this.deps.domain, s.state),
      })),
    };
  }

  private async engineDebit(account: string, asset: string, amount: bigint, requestId?: string): Promise<void> {
    const entry = await this.deps.engine.submit(
      { type: "withdraw", account, asset, amount },
      requestId === undefined ? undefined : { requestId },
    );
    const rejected = entry.events.find((e) => e.type === "rejected");
    if (rejected && rejected.type === "rejected") throw toClearlineError(rejected);
  }

  private async engineCredit(account: string, asset: string, amount: bigint, requestId?: string): Promise<void> {
    const entry = await this.deps.engine.submit(
      { type: "deposit", account, asset, amount },
      requestId === undefined ? undefined : { requestId },
    );
    const rejected = entry.events.find((e) => e.type === "rejected");
    if (rejected && rejected.type === "rejected") throw toClearlineError(rejected);
  }

  // ── reads ────────────────────────────────────────────────────────────────────────────

  private async channelOf(trader: Address, channelId?: Hex): Promise<ChannelRow> {
    const where = channelId
      ? { id: channelId.toLowerCase(), trader: getAddress(trader) }
      : { trader: getAddress(trader) };
    const channel = await this.deps.db.channel.findFirst({ where, orderBy: { createdAt: "desc" } });
    if (!channel) notFound(channelId ? `no channel ${channelId} of ${trader}` : `${trader} has no channel`, { trader });
    return channel;
  }

  /**
   * What the pending operation is for. A RESIZE is the trader's withdrawal when it debits the
   * trader (pendingDebits), else the exchange's top-up (which debits nobody's engine balance).
   */
  private pendingPurpose(c: ChannelRow): "WITHDRAWAL" | "TOP_UP" | "CLOSE" | "CANCEL" | null {
    if (c.pendingOp === "CLOSE" || c.pendingOp === "CANCEL") return c.pendingOp;
    if (c.pendingOp !== "RESIZE") return null;
    const debits = c.pendingDebits as unknown[] | null;
    return Array.isArray(debits) && debits.length > 0 ? "WITHDRAWAL" : "TOP_UP";
  }

  async status(trader: Address, channelId?: Hex) {
    const c = await this.channelOf(trader, channelId);
    return {
      channelId: c.id as Hex,
      trader: c.trader as Address,
      nonce: c.nonce,
      status: c.status,
      funding: fundingFromRow(c),
      latestVersion: c.latestVersion,
      coSignedVersion: c.coSignedVersion,
      onChainVersion: c.onChainVersion,
      needsTopUp: c.needsTopUp,
      pendingOp: c.pendingOp as "RESIZE" | "CLOSE" | "CANCEL" | null,
      pendingVersion: c.pendingVersion,
      pendingPurpose: this.pendingPurpose(c),
      /** why the channel needs an operator (also shown in the ops console), e.g. a withdrawal the chain refuses */
      alert: c.alert,
      /** the last submission attempt of the pending operation in this process (null: none yet) */
      submission: this.submissions?.status(c.id, c.pendingOp, c.pendingVersion) ?? null,
    };
  }

  /** The newest state (exchange-signed) and the newest fully co-signed one. */
  async latestState(trader: Address, channelId?: Hex): Promise<{ latest: StoredState; coSigned: StoredState | null }> {
    const c = await this.channelOf(trader, channelId);
    const latest = await this.deps.db.channelState.findUniqueOrThrow({
      where: { channelId_version: { channelId: c.id, version: c.latestVersion } },
    });
    const coSigned = await this.deps.db.channelState.findFirst({
      where: { channelId: c.id, traderSignature: { not: null } },
      orderBy: { version: "desc" },
    });
    return {
      latest: stateFromRow(latest, c.trader as Address),
      coSigned: coSigned ? stateFromRow(coSigned, c.trader as Address) : null,
    };
  }

  /** Every state both signed, oldest first. */
  async history(trader: Address, channelId?: Hex): Promise<StoredState[]> {
    const c = await this.channelOf(trader, channelId);
    const rows = await this.deps.db.channelState.findMany({
      where: { channelId: c.id, traderSignature: { not: null } },
      orderBy: { version: "asc" },
    });
    return rows.map((r) => stateFromRow(r, c.trader as Address));
  }

  /** States of the trader's channels above `afterVersion` of `channelId` (subscription back-fill). */
  async statesAfter(trader: Address, channelId: Hex, afterVersion: bigint): Promise<StoredState[]> {
    const c = await this.channelOf(trader, channelId);
    const rows = await this.deps.db.channelState.findMany({
      where: { channelId: c.id, version: { gt: afterVersion } },
      orderBy: { version: "asc" },
    });
    return rows.map((r) => stateFromRow(r, c.trader as Address));
  }

  depositInstructions() {
    return {
      chainId: this.deps.domain.chainId,
      custody: this.deps.domain.verifyingContract,
      exchange: getAddress(this.deps.signer.address),
      tokens: this.deps.assets.map((a) => ({ symbol: a.symbol, address: getAddress(a.token), decimals: a.decimals })),
      coverageBps: this.deps.coverageBps,
    };
  }

  /** Amount helpers for the custody sink. */
  symbolOf(token: string): string {
    return this.asset(token).symbol;
  }

  /** Engine debit/credit for the custody sink (deposits, reorgs, non-cooperative closes); `requestId` makes it apply once. */
  debit(account: string, asset: string, amount: bigint, requestId?: string): Promise<void> {
    return this.engineDebit(account, asset, amount, requestId);
  }

  credit(account: string, asset: string, amount: bigint, requestId?: string): Promise<void> {
    return this.engineCredit(account, asset, amount, requestId);
  }
}

/** A random nonce below 2^63: the contract takes a uint64, the Channel.nonce column is a signed BIGINT. */
function randomNonce(): bigint {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  bytes[0]! &= 0x7f;
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}
