// Deterministic test keys and a channel config over them (test support, not shipped code).
import { keccak_256 } from "@noble/hashes/sha3.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import type { Address, Hex } from "viem";
import { bytesToHex } from "../channel/bytes";
import type { ChannelConfig, MultipartyDomain } from "./types";

export interface TestKey {
  address: Address;
  privateKey: Hex;
}

/** The i-th deterministic test key (keccak of a label; never a real key). */
export function testKey(i: number): TestKey {
  const privateKey = keccak_256(new TextEncoder().encode(`clearline multiparty test key ${i}`));
  const publicKey = secp256k1.getPublicKey(privateKey, false);
  return {
    privateKey: bytesToHex(privateKey),
    address: bytesToHex(keccak_256(publicKey.subarray(1)).subarray(12)) as Address,
  };
}

export const TEST_DOMAIN: MultipartyDomain = {
  chainId: 31337,
  verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
};
export const TEST_CHANNEL: Hex = `0x${"c1".repeat(32)}`;

/** n participants (sorted by address, as the config requires); the first key by index is the matcher. */
export function testChannel(n: number, maxOpsPerAuthor = 1 << 16) {
  const keys = Array.from({ length: n }, (_, i) => testKey(i));
  const sorted = [...keys].sort((a, b) => (a.address < b.address ? -1 : 1));
  const config: ChannelConfig = {
    channelId: TEST_CHANNEL,
    domain: TEST_DOMAIN,
    participants: sorted.map((k) => k.address),
    matcher: keys[0]!.address,
    maxOpsPerAuthor,
  };
  const keyOf = new Map(keys.map((k) => [k.address, k.privateKey] as const));
  return { config, keys: sorted, keyOf, matcher: keys[0]! };
}

/** A key that is in no test channel. */
export const OUTSIDER = testKey(1000);
