/**
 * A Merkle tree a contract checks with OpenZeppelin's MerkleProof.verify: pairs hashed sorted
 * (keccak256 of the smaller then the larger), leaves double-hashed by the caller (so no leaf can
 * pass for an inner node), and an odd node at the end of a level carried up unchanged. The
 * root of no leaves is ZERO_HASH.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Hex } from "viem";
import { bytesToHex, hexToBytes } from "../channel/bytes";
import { ZERO_HASH } from "./types";

/** keccak256(keccak256(encoded)): the leaf form of an ABI-encoded record. */
export function doubleHashLeaf(encoded: Uint8Array): Hex {
  return bytesToHex(keccak_256(keccak_256(encoded)));
}

function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  const buf = new Uint8Array(64);
  const aFirst = bytesToHex(a) <= bytesToHex(b);
  buf.set(aFirst ? a : b, 0);
  buf.set(aFirst ? b : a, 32);
  return keccak_256(buf);
}

function levels(leaves: readonly Hex[]): Uint8Array[][] {
  const out: Uint8Array[][] = [leaves.map(hexToBytes)];
  while (out[out.length - 1]!.length > 1) {
    const level = out[out.length - 1]!;
    const up: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2)
      up.push(i + 1 < level.length ? hashPair(level[i]!, level[i + 1]!) : level[i]!);
    out.push(up);
  }
  return out;
}

/** The root over `leaves` in the given order. */
export function merkleRoot(leaves: readonly Hex[]): Hex {
  if (leaves.length === 0) return ZERO_HASH;
  const all = levels(leaves);
  return bytesToHex(all[all.length - 1]![0]!);
}

/** The sibling hashes from leaf `index` up to the root (levels where it had none are skipped). */
export function merkleProof(leaves: readonly Hex[], index: number): Hex[] {
  if (index < 0 || index >= leaves.length) throw new RangeError(`leaf ${index} of ${leaves.length}`);
  const proof: Hex[] = [];
  let at = index;
  for (const level of levels(leaves).slice(0, -1)) {
    const sibling = at ^ 1;
    if (sibling < level.length) proof.push(bytesToHex(level[sibling]!));
    at >>= 1;
  }
  return proof;
}

/** OpenZeppelin MerkleProof.verify: folds `proof` into `leaf` by sorted pairs and compares. */
export function verifyMerkleProof(root: Hex, leaf: Hex, proof: readonly Hex[]): boolean {
  let computed = hexToBytes(leaf);
  for (const sibling of proof) computed = hashPair(computed, hexToBytes(sibling));
  return bytesToHex(computed) === root.toLowerCase();
}
