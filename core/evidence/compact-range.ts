/**
 * The append side of the log in O(log n) memory: the compact range [0, size), i.e. the hashes of
 * the full subtrees that the binary digits of `size` split the leaves into, largest (left-most)
 * first — at most 53 hashes for any size up to MAX_TREE_SIZE. Appending a leaf merges equal-sized
 * neighbours like a binary counter's carry, and reports every full subtree the leaf completed so a
 * store can keep it (transparency-dev's compact range, restricted to ranges that start at 0).
 */
import { isTreeSize, lsb, MAX_TREE_SIZE, popCount } from "./bits";
import { evidenceFailure } from "./errors";
import { EMPTY_ROOT, HASH_BYTES, nodeHash, type Hash } from "./hash";
import { foldCover, type StoredNode } from "./plan";

export class CompactRange {
  private constructor(
    private count: number,
    private readonly hashes: Hash[],
  ) {}

  /** The compact range of the empty log. */
  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** Resumes at `size` from the hashes of rootPlan(size).nodes, left to right (e.g. read from a store). */
  static resume(size: number, hashes: readonly Hash[]): CompactRange {
    if (!isTreeSize(size)) evidenceFailure("EVIDENCE_SIZE_INVALID", `size ${size} is not a tree size`, { size });
    if (hashes.length !== popCount(size))
      evidenceFailure("EVIDENCE_PROOF_LENGTH_MISMATCH", `size ${size} needs ${popCount(size)} hashes`, {
        size,
        got: hashes.length,
      });
    if (hashes.some((h) => h.length !== HASH_BYTES))
      evidenceFailure("EVIDENCE_HASH_MALFORMED", "every hash must be 32 bytes", { size });
    return new CompactRange(size, [...hashes]);
  }

  /** An independent copy (≤ 53 hashes). */
  copy(): CompactRange {
    return new CompactRange(this.count, [...this.hashes]);
  }

  /** Number of leaves appended. */
  get size(): number {
    return this.count;
  }

  /** The full subtrees' hashes, left to right (what resume takes back). */
  get peaks(): readonly Hash[] {
    return [...this.hashes];
  }

  /** Appends one leaf hash; returns the leaf and each full subtree it closed, bottom-up. */
  append(leaf: Hash): StoredNode[] {
    if (leaf.length !== HASH_BYTES) evidenceFailure("EVIDENCE_HASH_MALFORMED", "a leaf hash must be 32 bytes");
    if (this.count >= MAX_TREE_SIZE)
      evidenceFailure("EVIDENCE_SIZE_INVALID", `the log is full at ${MAX_TREE_SIZE} leaves`, { size: this.count });
    let index = this.count;
    let level = 0;
    let hash = leaf;
    const completed: StoredNode[] = [{ level, index, hash }];
    // a set bit at `level` of the old size is a full subtree of that height waiting on its right
    for (let carry = this.count; lsb(carry); carry = Math.floor(carry / 2)) {
      hash = nodeHash(this.hashes.pop()!, hash);
      level++;
      index = Math.floor(index / 2);
      completed.push({ level, index, hash });
    }
    this.hashes.push(hash);
    this.count++;
    return completed;
  }

  /** The Merkle tree hash of the leaves so far (EMPTY_ROOT when none). */
  root(): Hash {
    return this.count === 0 ? EMPTY_ROOT : foldCover(this.hashes);
  }
}
