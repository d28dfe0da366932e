/**
 * The channel service: the registry of channels, opening, state issuance after every engine
 * batch, co-signatures, partial withdrawals and exchange top-ups (RESIZE) and cooperative closes
 * (CLOSE). docs/CHANNELS.md explains the policies.
 *
 * A thin class over one ChannelContext (context.ts: the deps, the serial version queue, the
 * registry of ACTIVE channels, the feed, the submissions); each job lives in its own module:
 * opening.ts, issuance.ts, cosign.ts, withdraw.ts (and cancellations), topup.ts, close.ts,
 * reads.ts, with state-builder.ts, pending.ts and engine-ledger.ts shared between them.
 */
import type { CoverageLock } from "./coverage-lock";
import { getAddress, type Address, type Hex } from "viem";
import type { Prisma } from "../../generated/prisma/client";
import type { CommittedBatch } from "../ports";
import { requestClose } from "./close";
import { ChannelContext } from "./context";
import { submitCoSignature } from "./cosign";
import { engineCredit, engineDebit } from "./engine-ledger";
import { StateIssuer } from "./issuance";
import { prepareOpen } from "./opening";
import type { OpeningPolicy } from "./opening-policy";
import { releaseOpening, type ReleasedOpening } from "./opening-release";
import { takeBack, type TakeBack } from "./reorg-takeback";
import { channelStatus, depositInstructions, history, latestState, statesAfter } from "./reads";
import type { StoredState } from "./repository";
import type { StateFeed } from "./state-feed";
import type { PendingSubmissions, SubmissionStatus } from "./submissions";
import { TopUps } from "./topup";
import type { ChannelServiceDeps, OpenInstructions, PendingRequest, TopUpOutcome } from "./types";
import { cancelPending, requestWithdraw } from "./withdraw";

export type {
  ChannelAsset,
  ChannelMarket,
  ChannelServiceDeps,
  OpenInstructions,
  PendingRequest,
  TopUpOutcome,
} from "./types";
export { TOP_UP_ALERT } from "./types";
export type { ReleasedOpening } from "./opening-release";
export type { TakeBack } from "./reorg-takeback";

/** Engine account id of a trader: the EIP-55 address (the same string sessions carry). */
export function engineAccountOf(trader: string): string {
  return getAddress(trader);
}

export class ChannelService {
  /** newly signed states, per trader (the channel.states subscription) */
  readonly feed: StateFeed;
  /** the lock over the exchange's free custody balance (the admin fee withdrawal takes it too) */
  readonly coverageLock: CoverageLock;
  /** the opening caps and TTL in force (the ops console's solvency view compares reservations with them) */
  readonly openingPolicy: OpeningPolicy;
  /** resizes, closes and checkpoints sent once co-signed, and retried in the background (null without a submitter) */
  readonly submissions: PendingSubmissions | null;
  private readonly ctx: ChannelContext;
  private readonly issuer: StateIssuer;
  private readonly topUps: TopUps;
  private unsubscribe: (() => void) | null = null;

  constructor(readonly deps: ChannelServiceDeps) {
    this.ctx = new ChannelContext(deps);
    this.feed = this.ctx.feed;
    this.coverageLock = this.ctx.coverageLock;
    this.openingPolicy = this.ctx.openingPolicy;
    this.submissions = this.ctx.submissions;
    this.issuer = new StateIssuer(this.ctx);
    this.topUps = new TopUps(this.ctx);
  }

  /**
   * Tells the service a channel row changed outside its issuance rounds (the custody sink after
   * each event it records; the service itself after locks and pending states): the in-memory
   * registry of ACTIVE channels re-reads it.
   */
  channelChanged(channelId: string): Promise<void> {
    return this.ctx.channelChanged(channelId);
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
    await this.topUps.settled();
    await this.submissions?.stop();
  }

  /** Resolves once every queued state build (and every top-up a co-signature started) has finished (tests, shutdown). */
  async idle(): Promise<void> {
    await this.topUps.settled();
    await this.ctx.serialIdle();
  }

  /** Builds, signs and stores the INITIALIZE state of a new channel for `trader` (opening.ts). */
  prepareOpen(trader: Address, deposits: readonly { token: Address; amount: bigint }[]): Promise<OpenInstructions> {
    return prepareOpen(this.ctx, trader, deposits);
  }

  /**
   * Ops: releases an OPENING channel nobody funded, so its coverage is no longer reserved
   * (opening-release.ts); `record` runs in the release's transaction (the audit row).
   */
  releaseOpening(
    channelId: string,
    reason: string,
    record?: (tx: Prisma.TransactionClient, released: ReleasedOpening) => Promise<void>,
  ): Promise<ReleasedOpening> {
    return releaseOpening(this.ctx, channelId, reason, record);
  }

  /** The engine listener: new OPERATE states for every active channel the batch touched, in merged rounds (issuance.ts); `idle()` waits for them. */
  onCommitted(batch: CommittedBatch): Promise<void> {
    return this.issuer.onCommitted(batch);
  }

  /** Stores the trader's checked signature of `version`, then submits what it completes (cosign.ts). */
  submitCoSignature(
    trader: Address,
    channelId: Hex,
    version: bigint,
    signature: Hex,
  ): Promise<{ coSignedVersion: bigint; submittedTx: Hex | null; submission: SubmissionStatus | null }> {
    return submitCoSignature(this.ctx, (id) => this.topUps.start(id), trader, channelId, version, signature);
  }

  /** Partial withdrawal: a RESIZE with the reduced funding for the trader to co-sign, the engine debited meanwhile (withdraw.ts). */
  requestWithdraw(trader: Address, token: Address, amount: bigint): Promise<PendingRequest> {
    return requestWithdraw(this.ctx, trader, token, amount);
  }

  /** Cancels a withdrawal the trader has not co-signed: an OPERATE state paying it back, to co-sign and checkpoint (withdraw.ts). */
  cancelWithdraw(trader: Address): Promise<PendingRequest> {
    return cancelPending(this.ctx, trader, "RESIZE");
  }

  /** Cancels a cooperative close the trader has not co-signed, the same way as cancelWithdraw (withdraw.ts). */
  cancelClose(trader: Address): Promise<PendingRequest> {
    return cancelPending(this.ctx, trader, "CLOSE");
  }

  /** Exchange top-up of a channel whose trader's equity went above its funding (topup.ts). */
  requestTopUp(channelId: string): Promise<TopUpOutcome> {
    return this.topUps.request(channelId);
  }

  /** Cooperative close: the trader's balance debited and paid by a CLOSE state, once no position or order is open (close.ts). */
  requestClose(trader: Address): Promise<PendingRequest> {
    return requestClose(this.ctx, trader);
  }

  status(trader: Address, channelId?: Hex) {
    return channelStatus(this.ctx, trader, channelId);
  }

  /** The newest state (exchange-signed) and the newest fully co-signed one. */
  latestState(trader: Address, channelId?: Hex): Promise<{ latest: StoredState; coSigned: StoredState | null }> {
    return latestState(this.ctx, trader, channelId);
  }

  /** Every state both signed, oldest first. */
  history(trader: Address, channelId?: Hex): Promise<StoredState[]> {
    return history(this.ctx, trader, channelId);
  }

  /** States of the trader's channels above `afterVersion` of `channelId` (subscription back-fill). */
  statesAfter(trader: Address, channelId: Hex, afterVersion: bigint): Promise<StoredState[]> {
    return statesAfter(this.ctx, trader, channelId, afterVersion);
  }

  depositInstructions() {
    return depositInstructions(this.ctx);
  }

  /** Amount helpers for the custody sink. */
  symbolOf(token: string): string {
    return this.ctx.asset(token).symbol;
  }

  /** Engine debit/credit for the custody sink (deposits, reorgs, non-cooperative closes); `requestId` makes it apply once. */
  debit(account: string, asset: string, amount: bigint, requestId?: string): Promise<void> {
    return engineDebit(this.deps.engine, account, asset, amount, requestId);
  }

  credit(account: string, asset: string, amount: bigint, requestId?: string): Promise<void> {
    return engineCredit(this.deps.engine, account, asset, amount, requestId);
  }

  /** For the custody sink: takes back up to `amount` of a reorged deposit of `token` (reorg-takeback.ts). */
  takeBack(account: string, token: string, amount: bigint, requestId: string): Promise<TakeBack> {
    const asset = this.ctx.asset(token);
    return takeBack(this.deps.engine, account, asset, amount, requestId);
  }

  /** unix milliseconds, the service's clock */
  now(): number {
    return this.ctx.clock();
  }
}
