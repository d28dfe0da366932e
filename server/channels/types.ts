/** The channel service's public types: its dependencies, the assets and markets it serves, and what its requests return. */
import type { CoverageLock } from "./coverage-lock";
import type { Address, Hex } from "viem";
import type { ChannelDomain, ChannelState, StateSigner, StateVerifier, stateTypedData } from "../../core/channel";
import type { Db } from "../db";
import type { EnginePort } from "../ports";
import type { ChannelChain } from "./chain";
import type { OpeningPolicy } from "./opening-policy";
import type { SubmissionRetryOptions } from "./submissions";
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
  /** coverage per opening and for all openings, and how long an unfunded opening reserves it (default DEFAULT_OPENING_POLICY) */
  openingPolicy?: OpeningPolicy;
  /**
   * the engine's trading guard (EngineRuntime.setAccountSuspended(account, true)): called after a
   * reorged deposit could not be taken back whole and the account was suspended in the database
   */
  suspendTrading?: (account: string) => void;
  /** the lock over the exchange's free custody balance (coverage-lock.ts); default: the service's own */
  coverageLock?: CoverageLock;
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
