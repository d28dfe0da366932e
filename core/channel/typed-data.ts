/**
 * THE EIP-712 encoding of a channel state, shared by the browser (wallet signTypedData), the
 * server and the custody contract (contracts/src/libraries/StateHash.sol mirrors it). Arrays
 * are hashed as EIP-712 specifies, so a wallet shows every field: channel, version, intent,
 * each allocation's token and both amounts, and the app data hash.
 */
import type { Hex } from "viem";
import type { ChannelDomain, ChannelState } from "./types";

export const CHANNEL_DOMAIN_NAME = "Clearline Custody";
export const CHANNEL_DOMAIN_VERSION = "1";

export const STATE_TYPES = {
  State: [
    { name: "channelId", type: "bytes32" },
    { name: "version", type: "uint48" },
    { name: "intent", type: "uint8" },
    { name: "allocations", type: "Allocation[]" },
    { name: "appDataHash", type: "bytes32" },
  ],
  Allocation: [
    { name: "token", type: "address" },
    { name: "traderAmount", type: "uint256" },
    { name: "exchangeAmount", type: "uint256" },
  ],
} as const;

/** A participant's consent to start the challenge clock on a state. */
export const CHALLENGE_TYPES = {
  Challenge: [
    { name: "channelId", type: "bytes32" },
    { name: "version", type: "uint48" },
    { name: "stateHash", type: "bytes32" },
  ],
} as const;

export const STATE_TYPE_STRING =
  "State(bytes32 channelId,uint48 version,uint8 intent,Allocation[] allocations,bytes32 appDataHash)" +
  "Allocation(address token,uint256 traderAmount,uint256 exchangeAmount)";
export const ALLOCATION_TYPE_STRING = "Allocation(address token,uint256 traderAmount,uint256 exchangeAmount)";
export const CHALLENGE_TYPE_STRING = "Challenge(bytes32 channelId,uint48 version,bytes32 stateHash)";
export const DOMAIN_TYPE_STRING = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";

/** The domain as viem / wallets take it. */
export function channelTypedDataDomain(domain: ChannelDomain) {
  return {
    name: CHANNEL_DOMAIN_NAME,
    version: CHANNEL_DOMAIN_VERSION,
    chainId: domain.chainId,
    verifyingContract: domain.verifyingContract,
  } as const;
}

/** The full typed-data request for a state: pass to viem `signTypedData` / wagmi `useSignTypedData`. */
export function stateTypedData(domain: ChannelDomain, state: ChannelState) {
  return {
    domain: channelTypedDataDomain(domain),
    types: STATE_TYPES,
    primaryType: "State",
    message: toAbiState(state),
  } as const;
}

/**
 * A state as the custody contract's ABI takes it (its `State` struct, which is also the EIP-712
 * message): the uint48 version as a number, the allocations copied without any other field.
 */
export function toAbiState(state: ChannelState) {
  return {
    channelId: state.channelId,
    version: Number(state.version),
    intent: state.intent,
    allocations: state.allocations.map((a) => ({
      token: a.token,
      traderAmount: a.traderAmount,
      exchangeAmount: a.exchangeAmount,
    })),
    appDataHash: state.appDataHash,
  };
}

/** The typed-data request for a challenge of the state whose struct hash is `stateHash`. */
export function challengeTypedData(
  domain: ChannelDomain,
  challenge: { channelId: Hex; version: bigint; stateHash: Hex },
) {
  return {
    domain: channelTypedDataDomain(domain),
    types: CHALLENGE_TYPES,
    primaryType: "Challenge",
    message: { channelId: challenge.channelId, version: Number(challenge.version), stateHash: challenge.stateHash },
  } as const;
}
