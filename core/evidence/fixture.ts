/**
 * Test vectors for other implementations of the log (the Solidity verifier first): a seed gives
 * random entries, every root, inclusion and consistency proofs that must verify, and altered ones
 * (a changed leaf, proof hash or root, another index or size, a forked history) that must not.
 * Pure and deterministic: the same options give the same JSON-ready object, byte for byte.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Hex } from "viem";
import { bytesToHex } from "../channel/bytes";
import { EMPTY_ROOT, hashToHex, leafHash, type Hash } from "./hash";
import { journalLeafBytes } from "./leaf";
import { MemoryNodeStore, MerkleLog } from "./log";
import type { EvidenceError } from "./errors";
import { verifyConsistency, verifyInclusion } from "./verify";

export const MAX_FIXTURE_SIZE = 1024;

export interface EvidenceFixtureOptions {
  /** Any safe integer; picks the entries and the cases. */
  readonly seed: number;
  /** Number of leaves, 1..MAX_FIXTURE_SIZE. */
  readonly size: number;
  /** Valid inclusion proofs to draw (default 16); each brings up to four altered ones. */
  readonly inclusionCases?: number;
  /** Valid consistency proofs to draw (default 16); each brings up to three altered ones. */
  readonly consistencyCases?: number;
}

interface Expectation {
  /** What the case alters ("valid" when nothing). */
  readonly name: string;
  readonly valid: boolean;
  /** How core/evidence refuses it (null when valid); other verifiers may name it otherwise. */
  readonly error: EvidenceError | null;
}

export interface InclusionCase extends Expectation {
  readonly index: number;
  readonly size: number;
  readonly leafHash: Hex;
  readonly root: Hex;
  readonly proof: Hex[];
}

export interface ConsistencyCase extends Expectation {
  readonly oldSize: number;
  readonly newSize: number;
  readonly oldRoot: Hex;
  readonly newRoot: Hex;
  readonly proof: Hex[];
}

export interface EvidenceFixture {
  readonly hash: "keccak256";
  /** leaf hash = keccak256(0x00 ‖ entry), node hash = keccak256(0x01 ‖ left ‖ right) */
  readonly leafPrefix: "0x00";
  readonly nodePrefix: "0x01";
  readonly emptyRoot: Hex;
  readonly seed: number;
  readonly size: number;
  /** Leaf i's bytes: uint64_be(i + 1) ‖ 32 to 95 random bytes. */
  readonly entries: Hex[];
  readonly leafHashes: Hex[];
  /** roots[s] is the root of the first s leaves, s = 0..size. */
  readonly roots: Hex[];
  readonly inclusion: InclusionCase[];
  readonly consistency: ConsistencyCase[];
}

/** A deterministic byte stream: keccak256("clearline/evidence/fixture" ‖ seed ‖ counter). */
function randomStream(seed: number) {
  const tag = new TextEncoder().encode("clearline/evidence/fixture");
  const block = new Uint8Array(tag.length + 16);
  block.set(tag);
  const view = new DataView(block.buffer);
  view.setBigInt64(tag.length, BigInt(seed), false);
  let counter = 0n;
  const next = (): Hash => {
    view.setBigUint64(tag.length + 8, counter++, false);
    return keccak_256(block);
  };
  return {
    bytes: next,
    /** A whole number in [0, n). */
    below(n: number): number {
      const h = next();
      return Number(new DataView(h.buffer, h.byteOffset).getBigUint64(0, false) % BigInt(n));
    },
  };
}

function flipped(hash: Hash, bit: number): Hash {
  const out = Uint8Array.from(hash);
  const at = bit >> 3;
  out[at] = out[at]! ^ (1 << (bit & 7));
  return out;
}

const hexes = (hashes: readonly Hash[]) => hashes.map(hashToHex);

/** Entries, roots and proof cases for `options`, ready for JSON.stringify. */
export function evidenceFixture(options: EvidenceFixtureOptions): EvidenceFixture {
  const { seed, size } = options;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed ${seed} is not a safe integer`);
  if (!Number.isInteger(size) || size < 1 || size > MAX_FIXTURE_SIZE)
    throw new RangeError(`size ${size} is not in [1, ${MAX_FIXTURE_SIZE}]`);
  const random = randomStream(seed);
  const entries: Uint8Array[] = [];
  for (let i = 0; i < size; i++) {
    const length = 32 + random.below(64);
    const payload = new Uint8Array(length);
    for (let at = 0; at < length; at += 32) payload.set(random.bytes().subarray(0, Math.min(32, length - at)), at);
    entries.push(journalLeafBytes(BigInt(i + 1), payload));
  }
  const log = MerkleLog.open(new MemoryNodeStore());
  const roots: Hash[] = [EMPTY_ROOT];
  for (const entry of entries) {
    log.appendEntry(entry);
    roots.push(log.root());
  }
  // the forked history: the same entries but one, changed
  const forkAt = random.below(size);
  const fork = MerkleLog.open(new MemoryNodeStore());
  entries.forEach((entry, i) => fork.appendEntry(i === forkAt ? flipped(entry, 8 * entry.length - 1) : entry));

  const inclusion: InclusionCase[] = [];
  const addInclusion = (name: string, index: number, treeSize: number, leaf: Hash, root: Hash, proof: Hash[]) => {
    const result = verifyInclusion({ index, size: treeSize, leafHash: leaf, root, proof });
    const error = result.ok ? null : result.error;
    const c = { index, size: treeSize, leafHash: hashToHex(leaf), root: hashToHex(root), proof: hexes(proof) };
    inclusion.push({ name, valid: name === "valid", error, ...c });
  };
  for (let n = 0; n < (options.inclusionCases ?? 16); n++) {
    const treeSize = 1 + random.below(size);
    const index = random.below(treeSize);
    const leaf = log.leafHashAt(index);
    const proof = log.inclusionProof(index, treeSize);
    const root = roots[treeSize]!;
    addInclusion("valid", index, treeSize, leaf, root, proof);
    addInclusion("leaf-changed", index, treeSize, flipped(leaf, random.below(256)), root, proof);
    addInclusion("root-changed", index, treeSize, leaf, flipped(root, random.below(256)), proof);
    if (proof.length > 0) {
      const at = random.below(proof.length);
      const altered = proof.map((h, i) => (i === at ? flipped(h, random.below(256)) : h));
      addInclusion("proof-hash-changed", index, treeSize, leaf, root, altered);
    }
    if (treeSize > 1) {
      const other = (index + 1 + random.below(treeSize - 1)) % treeSize;
      addInclusion("index-changed", other, treeSize, leaf, root, proof);
    }
    // another tree head (size and its root): refused unless that size's proof is this very one
    const otherSize = index + 1 + random.below(size - index);
    const same = hexes(log.inclusionProof(index, otherSize)).join() === hexes(proof).join();
    if (otherSize !== treeSize && !same) addInclusion("size-changed", index, otherSize, leaf, roots[otherSize]!, proof);
  }

  const consistency: ConsistencyCase[] = [];
  const addConsistency = (
    name: string,
    oldSize: number,
    newSize: number,
    oldRoot: Hash,
    newRoot: Hash,
    proof: Hash[],
  ) => {
    const result = verifyConsistency({ oldSize, newSize, oldRoot, newRoot, proof });
    const error = result.ok ? null : result.error;
    const c = { oldSize, newSize, oldRoot: hashToHex(oldRoot), newRoot: hashToHex(newRoot), proof: hexes(proof) };
    consistency.push({ name, valid: name === "valid", error, ...c });
  };
  for (let n = 0; n < (options.consistencyCases ?? 16); n++) {
    const newSize = 1 + random.below(size);
    const oldSize = 1 + random.below(newSize);
    const proof = log.consistencyProof(oldSize, newSize);
    addConsistency("valid", oldSize, newSize, roots[oldSize]!, roots[newSize]!, proof);
    addConsistency(
      "old-root-changed",
      oldSize,
      newSize,
      flipped(roots[oldSize]!, random.below(256)),
      roots[newSize]!,
      proof,
    );
    if (proof.length > 0) {
      const at = random.below(proof.length);
      const altered = proof.map((h, i) => (i === at ? flipped(h, random.below(256)) : h));
      addConsistency("proof-hash-changed", oldSize, newSize, roots[oldSize]!, roots[newSize]!, altered);
    }
    if (forkAt < oldSize && oldSize < newSize) {
      // the anchored old root is the true one; the new root and its proof come from the fork
      addConsistency(
        "forked",
        oldSize,
        newSize,
        roots[oldSize]!,
        fork.rootAt(newSize),
        fork.consistencyProof(oldSize, newSize),
      );
    }
  }

  return {
    hash: "keccak256",
    leafPrefix: "0x00",
    nodePrefix: "0x01",
    emptyRoot: hashToHex(EMPTY_ROOT),
    seed,
    size,
    entries: entries.map(bytesToHex),
    leafHashes: entries.map((e) => hashToHex(leafHash(e))),
    roots: hexes(roots),
    inclusion,
    consistency,
  };
}
