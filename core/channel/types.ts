import type { Address, Hex } from "viem";

/** What a state is for (uint8 on the wire); the contract accepts each intent only where it fits. */
export const Intent = {
  /** version 0, signed before the channel is opened on-chain */
  INITIALIZE: 0,
  /** an ordinary off-chain update: fills, fees, funding */
  OPERATE: 1,
  /** changes the channel's funding (partial withdrawal or top-up), applied by `resize` */
  RESIZE: 2,
  /** final: paid out by `close`, no successor */
  CLOSE: 3,
} as const;
export type Intent = (typeof Intent)[keyof typeof Intent];
export const INTENT_NAMES: Readonly<Record<Intent, keyof typeof Intent>> = {
  0: "INITIALIZE",
  1: "OPERATE",
  2: "RESIZE",
  3: "CLOSE",
};

/** One asset of a channel: what each side gets if the channel ended in this state (base units). */
export interface Allocation {
  /** ERC-20 address, or the zero address for native ETH */
  token: Address;
  traderAmount: bigint;
  exchangeAmount: bigint;
}

/** A channel state as both participants sign it (EIP-712 type `State`). */
export interface ChannelState {
  channelId: Hex;
  /** strictly increasing; uint48 on-chain */
  version: bigint;
  intent: Intent;
  /** sorted by token address, strictly ascending; amounts sum per token to the channel's funding */
  allocations: readonly Allocation[];
  /** 32-byte hash of the app data (for trader channels: hashTraderAppData) */
  appDataHash: Hex;
}

/** The EIP-712 domain: binds the chain and the custody contract. */
export interface ChannelDomain {
  chainId: number;
  /** the custody contract */
  verifyingContract: Address;
}

/** A 65-byte signature r ‖ s ‖ v (v = 27 or 28), low s. */
export type StateSignature = Hex;

/** Both participants' signatures over one state. */
export interface CoSignatures {
  trader: StateSignature;
  exchange: StateSignature;
}

export const MAX_VERSION = (1n << 48n) - 1n;
export const MAX_ASSETS = 16;
export const ZERO_HASH: Hex = "0x0000000000000000000000000000000000000000000000000000000000000000";
export const NATIVE_TOKEN: Address = "0x0000000000000000000000000000000000000000";
