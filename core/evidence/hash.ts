/**
 * The log's hashes: RFC 9162 §2.1.1 with keccak256 as HASH, so Solidity recomputes them with its
 * native keccak256. Leaf hash = keccak256(0x00 ‖ entry), node hash = keccak256(0x01 ‖ left ‖ right);
 * the distinct prefixes keep a leaf from being passed off as an inner node (second preimages).
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Hex } from "viem";
import { bytesToHex } from "../channel/bytes";

/** A 32-byte keccak256 output: a leaf hash, a node hash or a root. */
export type Hash = Uint8Array;

export const HASH_BYTES = 32;
export const LEAF_PREFIX = 0x00;
export const NODE_PREFIX = 0x01;

/** MTH({}) = HASH() per RFC 9162: keccak256 of empty input, 0xc5d2…a470 (not 32 zero bytes). */
export const EMPTY_ROOT: Hash = keccak_256(new Uint8Array(0));

/** keccak256(0x00 ‖ entry): the hash of one log entry's bytes. */
export function leafHash(entry: Uint8Array): Hash {
  const buf = new Uint8Array(1 + entry.length);
  buf[0] = LEAF_PREFIX;
  buf.set(entry, 1);
  return keccak_256(buf);
}

const nodeBuf = new Uint8Array(1 + 2 * HASH_BYTES);
nodeBuf[0] = NODE_PREFIX;

/** keccak256(0x01 ‖ left ‖ right): the hash of an inner node. */
export function nodeHash(left: Hash, right: Hash): Hash {
  // one shared buffer: hashing is synchronous, so no caller can observe it half-written
  nodeBuf.set(left, 1);
  nodeBuf.set(right, 1 + HASH_BYTES);
  return keccak_256(nodeBuf);
}

/** Whether two hashes are the same bytes (compares every byte, whatever differs first). */
export function hashEquals(a: Hash, b: Hash): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** A hash as it crosses JSON: a hash given as bytes or as 0x-prefixed hex. */
export type HashInput = Uint8Array | string;

const HEX_32 = /^0x[0-9a-fA-F]{64}$/;

/** The 32 bytes of `input`, or undefined when it is not a 32-byte array or 0x + 64 hex digits. */
export function parseHash(input: unknown): Hash | undefined {
  if (input instanceof Uint8Array) return input.length === HASH_BYTES ? input : undefined;
  if (typeof input !== "string" || !HEX_32.test(input)) return undefined;
  const out = new Uint8Array(HASH_BYTES);
  for (let i = 0; i < HASH_BYTES; i++) out[i] = parseInt(input.slice(2 + 2 * i, 4 + 2 * i), 16);
  return out;
}

/** The hash as lowercase 0x hex. */
export function hashToHex(hash: Hash): Hex {
  return bytesToHex(hash);
}
