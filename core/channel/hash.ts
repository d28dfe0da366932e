/**
 * Fast EIP-712 hashing of channel states: type hashes and domain separators computed once,
 * keccak from @noble/hashes over one preallocated buffer. Equal to viem's hashTypedData over
 * stateTypedData() and to the custody contract's hashState (parity tests prove both).
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Hex } from "viem";
import { ClearlineError } from "../errors";
import { bytesToHex, writeHex, writeUint256 } from "./bytes";
import {
  ALLOCATION_TYPE_STRING,
  CHALLENGE_TYPE_STRING,
  CHANNEL_DOMAIN_NAME,
  CHANNEL_DOMAIN_VERSION,
  DOMAIN_TYPE_STRING,
  STATE_TYPE_STRING,
} from "./typed-data";
import { MAX_ASSETS, MAX_VERSION, type ChannelDomain, type ChannelState } from "./types";

const utf8 = new TextEncoder();
const STATE_TYPEHASH = keccak_256(utf8.encode(STATE_TYPE_STRING));
const ALLOCATION_TYPEHASH = keccak_256(utf8.encode(ALLOCATION_TYPE_STRING));
const CHALLENGE_TYPEHASH = keccak_256(utf8.encode(CHALLENGE_TYPE_STRING));
const DOMAIN_TYPEHASH = keccak_256(utf8.encode(DOMAIN_TYPE_STRING));
const NAME_HASH = keccak_256(utf8.encode(CHANNEL_DOMAIN_NAME));
const VERSION_HASH = keccak_256(utf8.encode(CHANNEL_DOMAIN_VERSION));

const domainSeparators = new Map<string, Uint8Array>();

/** The EIP-712 domain separator bytes for (chain id, custody address); cached per domain. */
export function domainSeparatorBytes(domain: ChannelDomain): Uint8Array {
  const key = `${domain.chainId}:${domain.verifyingContract.toLowerCase()}`;
  let separator = domainSeparators.get(key);
  if (!separator) {
    const buf = new Uint8Array(160);
    buf.set(DOMAIN_TYPEHASH, 0);
    buf.set(NAME_HASH, 32);
    buf.set(VERSION_HASH, 64);
    writeUint256(buf, 96, BigInt(domain.chainId));
    writeHex(buf, 128, domain.verifyingContract, 32);
    separator = keccak_256(buf);
    domainSeparators.set(key, separator);
  }
  return separator;
}

/** The EIP-712 domain separator the custody contract at `domain` uses. */
export function domainSeparator(domain: ChannelDomain): Hex {
  return bytesToHex(domainSeparatorBytes(domain));
}

function invalid(message: string, details: Record<string, string | number | bigint>): never {
  throw new ClearlineError("CHANNEL_STATE_INVALID", message, details);
}

/**
 * The state's EIP-712 struct hash. Throws CHANNEL_STATE_INVALID where the contract reverts:
 * tokens not strictly ascending, more than MAX_ASSETS, version beyond uint48, amounts whose
 * sum overflows uint256.
 */
export function hashStateStructBytes(state: ChannelState): Uint8Array {
  const { allocations } = state;
  const count = allocations.length;
  if (count > MAX_ASSETS) invalid(`${count} assets, at most ${MAX_ASSETS}`, { count, max: MAX_ASSETS });
  if (state.version < 0n || state.version > MAX_VERSION)
    invalid(`version ${state.version} is not a uint48`, { version: state.version });
  if (state.channelId.length !== 66) invalid("channelId must be 32 bytes", { channelId: state.channelId });
  if (state.appDataHash.length !== 66) invalid("appDataHash must be 32 bytes", { appDataHash: state.appDataHash });
  if (!Number.isInteger(state.intent) || state.intent < 0 || state.intent > 255)
    invalid(`intent ${state.intent} is not a uint8`, { intent: state.intent });
  // [allocation record 128 B][allocation hashes 32 B × count][state record 192 B]
  const buf = new Uint8Array(128 + 32 * count + 192);
  const hashesAt = 128;
  let previous = "";
  for (let i = 0; i < count; i++) {
    const allocation = allocations[i]!;
    const token = allocation.token.toLowerCase();
    if (token.length !== 42) invalid(`token ${allocation.token} is not an address`, { index: i, token });
    if (i > 0 && token <= previous) {
      invalid(`allocations must be sorted by token, strictly ascending (index ${i})`, {
        index: i,
        previousToken: previous,
        token,
      });
    }
    if (allocation.traderAmount + allocation.exchangeAmount >= 1n << 256n) {
      invalid(`amounts of ${token} overflow uint256 together`, { index: i, token });
    }
    previous = token;
    buf.fill(0, 0, 128);
    buf.set(ALLOCATION_TYPEHASH, 0);
    writeHex(buf, 32, token, 32);
    writeUint256(buf, 64, allocation.traderAmount);
    writeUint256(buf, 96, allocation.exchangeAmount);
    buf.set(keccak_256(buf.subarray(0, 128)), hashesAt + 32 * i);
  }
  const allocationsHash = keccak_256(buf.subarray(hashesAt, hashesAt + 32 * count));
  const at = hashesAt + 32 * count;
  buf.set(STATE_TYPEHASH, at);
  writeHex(buf, at + 32, state.channelId, 32);
  writeUint256(buf, at + 64, state.version);
  writeUint256(buf, at + 96, BigInt(state.intent));
  buf.set(allocationsHash, at + 128);
  writeHex(buf, at + 160, state.appDataHash, 32);
  return keccak_256(buf.subarray(at, at + 192));
}

/** The state's EIP-712 struct hash (what the contract stores for a challenged state). */
export function hashStateStruct(state: ChannelState): Hex {
  return bytesToHex(hashStateStructBytes(state));
}

/** keccak256(0x1901 ‖ domainSeparator ‖ structHash): the digest both participants sign. */
export function typedDataDigest(domain: ChannelDomain, structHash: Uint8Array): Uint8Array {
  const buf = new Uint8Array(66);
  buf[0] = 0x19;
  buf[1] = 0x01;
  buf.set(domainSeparatorBytes(domain), 2);
  buf.set(structHash, 34);
  return keccak_256(buf);
}

export function hashStateBytes(domain: ChannelDomain, state: ChannelState): Uint8Array {
  return typedDataDigest(domain, hashStateStructBytes(state));
}

/** The EIP-712 digest of a state: equals viem hashTypedData(stateTypedData(domain, state)). */
export function hashState(domain: ChannelDomain, state: ChannelState): Hex {
  return bytesToHex(hashStateBytes(domain, state));
}

/** The EIP-712 digest a challenger signs to start the clock on the state with struct hash `stateHash`. */
export function hashChallenge(
  domain: ChannelDomain,
  challenge: { channelId: Hex; version: bigint; stateHash: Hex },
): Hex {
  const buf = new Uint8Array(128);
  buf.set(CHALLENGE_TYPEHASH, 0);
  writeHex(buf, 32, challenge.channelId, 32);
  writeUint256(buf, 64, challenge.version);
  writeHex(buf, 96, challenge.stateHash, 32);
  return bytesToHex(typedDataDigest(domain, keccak_256(buf)));
}
