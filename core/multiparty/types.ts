/**
 * The multi-party channel's data: ops on per-author hash-linked chains, signed heads, the
 * channel's configuration and the on-chain deposits the fold may credit. Money is bigint in
 * the token's base units; addresses and hashes are lower-case 0x hex once validated.
 */
import type { Address, Hex } from "viem";

/** At most this many participants per channel (a bound the contract shares). */
export const MAX_PARTICIPANTS = 32;
/** The default bound on one author's chain (seq < this). */
export const DEFAULT_MAX_OPS_PER_AUTHOR = 1 << 20;
/** Largest amount an op or balance may hold. */
export const MAX_UINT256 = (1n << 256n) - 1n;
export const ZERO_HASH: Hex = `0x${"00".repeat(32)}`;

/** The EIP-712 domain of the multi-party contract (chain + contract address). */
export interface MultipartyDomain {
  chainId: number;
  verifyingContract: Address;
}

/** Who is in the channel and who matches; fixed at opening. */
export interface ChannelConfig {
  channelId: Hex;
  domain: MultipartyDomain;
  /** strictly ascending lower-case addresses, 2..MAX_PARTICIPANTS */
  participants: readonly Address[];
  /** the one participant who may fill, unlock and mark (single writer of every lock) */
  matcher: Address;
  /** seq of every op must be below this */
  maxOpsPerAuthor: number;
}

/** A deposit seen on chain (final), keyed by its id (e.g. keccak(txHash, logIndex)). */
export interface OnChainDeposit {
  depositor: Address;
  token: Address;
  amount: bigint;
}
export type KnownDeposits = ReadonlyMap<Hex, OnChainDeposit>;

/** Fields every op carries: its place in its author's chain and the heads of others it saw. */
export interface OpHeader {
  channelId: Hex;
  author: Address;
  /** 0 for the author's first op */
  seq: number;
  /** hash of the author's op at seq − 1; ZERO_HASH at seq 0 */
  prev: Hex;
  /** hashes of other authors' ops this author had seen (its causal past beyond its own chain) */
  deps: readonly Hex[];
}

export type OpBody =
  | { kind: "deposit"; token: Address; amount: bigint; depositId: Hex }
  | { kind: "withdraw"; token: Address; amount: bigint }
  | { kind: "transfer"; to: Address; token: Address; amount: bigint }
  | { kind: "lock"; token: Address; amount: bigint; matcher: Address }
  | { kind: "unlock"; lock: Hex; amount: bigint }
  | { kind: "cancel"; lock: Hex }
  | { kind: "fill"; makerLock: Hex; takerLock: Hex; makerAmount: bigint; takerAmount: bigint }
  | { kind: "mark"; market: Hex; priceE8: bigint }
  | { kind: "liquidation"; account: Address; market: Hex; mark: Hex };

export type OpKind = OpBody["kind"];
export type Op = OpHeader & OpBody;
export type OpOf<K extends OpKind> = OpHeader & Extract<OpBody, { kind: K }>;

/** A signature over one head: covers the head op and, through prev links, every op before it. */
export interface SignedHead {
  channelId: Hex;
  author: Address;
  seq: number;
  /** hash of the author's op at `seq` */
  head: Hex;
  signature: Hex;
}

/** What peers send each other: an op (with its own signature, or none when a head covers it) or a head. */
export type Message = { type: "op"; op: Op; signature?: Hex } | { type: "head"; head: SignedHead };
