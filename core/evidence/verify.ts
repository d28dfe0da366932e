/**
 * Verifying proofs against roots, as RFC 9162 §2.1.3.2 and §2.1.4.2 spell the steps (the step
 * numbers below are the RFC's). Untrusted input in, a VerifyResult out, never an exception: sizes
 * and indexes are checked first, then the proof's length (at most MAX_PROOF_HASHES, then exactly
 * the length the sizes determine), then its hashes, and only then is anything hashed. (Input is
 * data, as JSON.parse or code builds it; a getter or proxy that throws is the caller's to catch.)
 */
import { bitLength, half, isPowerOfTwo, isTreeSize, lsb, popCount, trailingZeros, xor } from "./bits";
import { refuse, VERIFIED, type VerifyFailure, type VerifyResult } from "./errors";
import { EMPTY_ROOT, hashEquals, nodeHash, parseHash, type Hash, type HashInput } from "./hash";

/** No proof of a tree up to MAX_TREE_SIZE needs more than 54 hashes; anything above 64 is refused unread. */
export const MAX_PROOF_HASHES = 64;

/** Length of the inclusion proof of leaf `index` in a tree of `size` (index < size). */
export function inclusionProofLength(index: number, size: number): number {
  // below the level where the paths to `index` and to the last leaf part, one sibling per level;
  // above it, one left sibling per set bit (transparency-dev's decompInclProof)
  const inner = bitLength(xor(index, size - 1));
  return inner + popCount(Math.floor(index / 2 ** inner));
}

/** Length of the consistency proof from `oldSize` to `newSize` leaves (0 when there is nothing to prove). */
export function consistencyProofLength(oldSize: number, newSize: number): number {
  if (oldSize === 0 || oldSize >= newSize) return 0;
  const inner = bitLength(xor(oldSize - 1, newSize - 1)) - trailingZeros(oldSize);
  const border = popCount(Math.floor((oldSize - 1) / 2 ** (inner + trailingZeros(oldSize))));
  return (isPowerOfTwo(oldSize) ? 0 : 1) + inner + border;
}

type Parsed = { ok: true; hashes: Hash[] } | { ok: false; result: VerifyFailure };

function parseProof(proof: unknown, expectedLength: number): Parsed {
  if (!Array.isArray(proof))
    return { ok: false, result: refuse("EVIDENCE_PROOF_LENGTH_MISMATCH", "proof is not an array") };
  if (proof.length > MAX_PROOF_HASHES)
    return {
      ok: false,
      result: refuse("EVIDENCE_PROOF_TOO_LONG", `proof has ${proof.length} hashes, at most ${MAX_PROOF_HASHES}`),
    };
  if (proof.length !== expectedLength)
    return {
      ok: false,
      result: refuse("EVIDENCE_PROOF_LENGTH_MISMATCH", `proof has ${proof.length} hashes, ${expectedLength} expected`),
    };
  const hashes: Hash[] = [];
  for (let i = 0; i < proof.length; i++) {
    const hash = parseHash(proof[i]);
    if (!hash) return { ok: false, result: refuse("EVIDENCE_HASH_MALFORMED", `proof hash ${i} is not 32 bytes`) };
    hashes.push(hash);
  }
  return { ok: true, hashes };
}

export interface InclusionClaim {
  /** The leaf's hash, keccak256(0x00 ‖ entry). */
  leafHash: HashInput;
  /** Its 0-based index (journal sequence − 1). */
  index: number;
  /** The size of the tree the root is of. */
  size: number;
  /** The audit path, bottom-up, as inclusionProof returns it. */
  proof: readonly HashInput[];
}

/** The root an inclusion proof leads to, or why it leads nowhere. */
export function rootFromInclusionProof(claim: InclusionClaim): { ok: true; root: Hash } | VerifyFailure {
  if (typeof claim !== "object" || claim === null)
    return refuse("EVIDENCE_CLAIM_MALFORMED", "the claim is not an object");
  const { index, size } = claim;
  if (!isTreeSize(index) || !isTreeSize(size))
    return refuse("EVIDENCE_SIZE_INVALID", "index and size must be tree sizes");
  // 1. leaf_index must be below tree_size
  if (index >= size) return refuse("EVIDENCE_INDEX_OUT_OF_RANGE", `leaf ${index} is not in a tree of ${size}`);
  const leaf = parseHash(claim.leafHash);
  if (!leaf) return refuse("EVIDENCE_HASH_MALFORMED", "leaf hash is not 32 bytes");
  const parsed = parseProof(claim.proof, inclusionProofLength(index, size));
  if (!parsed.ok) return parsed.result;
  // 2.–3.
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  // 4.
  for (const p of parsed.hashes) {
    if (sn === 0) return refuse("EVIDENCE_PROOF_LENGTH_MISMATCH", "proof is longer than the path"); // 4a
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r); // 4b.i
      if (!lsb(fn)) {
        // 4b.ii: skip the levels where this node is the right border's only child
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn); // 4c
    sn = half(sn);
  }
  // 5. (the root comparison is the caller's: verifyInclusion)
  if (sn !== 0) return refuse("EVIDENCE_PROOF_LENGTH_MISMATCH", "proof is shorter than the path");
  return { ok: true, root: r };
}

/** Whether `claim` proves its leaf is at its index in the tree of its size whose root is `root`. */
export function verifyInclusion(claim: InclusionClaim & { root: HashInput }): VerifyResult {
  if (typeof claim !== "object" || claim === null)
    return refuse("EVIDENCE_CLAIM_MALFORMED", "the claim is not an object");
  const root = parseHash(claim.root);
  if (!root) return refuse("EVIDENCE_HASH_MALFORMED", "root is not 32 bytes");
  const computed = rootFromInclusionProof(claim);
  if (!computed.ok) return computed;
  return hashEquals(computed.root, root)
    ? VERIFIED
    : refuse("EVIDENCE_ROOT_MISMATCH", "the proof leads to another root");
}

export interface ConsistencyClaim {
  oldSize: number;
  newSize: number;
  oldRoot: HashInput;
  newRoot: HashInput;
  /** As consistencyProof returns it. */
  proof: readonly HashInput[];
}

/**
 * Whether the tree of `newSize` leaves with `newRoot` extends the tree of `oldSize` with
 * `oldRoot` (RFC 9162 §2.1.4.2 for 0 < oldSize < newSize). Beyond the RFC, with an empty proof:
 * equal sizes are consistent when the roots are equal; oldSize 0 is consistent with any new tree
 * when oldRoot is EMPTY_ROOT (nothing is proven about the new root then).
 */
export function verifyConsistency(claim: ConsistencyClaim): VerifyResult {
  if (typeof claim !== "object" || claim === null)
    return refuse("EVIDENCE_CLAIM_MALFORMED", "the claim is not an object");
  const { oldSize, newSize } = claim;
  if (!isTreeSize(oldSize) || !isTreeSize(newSize)) return refuse("EVIDENCE_SIZE_INVALID", "sizes must be tree sizes");
  if (oldSize > newSize) return refuse("EVIDENCE_SIZES_OUT_OF_ORDER", `old size ${oldSize} is above ${newSize}`);
  const oldRoot = parseHash(claim.oldRoot);
  const newRoot = parseHash(claim.newRoot);
  if (!oldRoot || !newRoot) return refuse("EVIDENCE_HASH_MALFORMED", "roots must be 32 bytes");
  const parsed = parseProof(claim.proof, consistencyProofLength(oldSize, newSize));
  if (!parsed.ok) return parsed.result;
  if (oldSize === 0) {
    if (!hashEquals(oldRoot, EMPTY_ROOT))
      return refuse("EVIDENCE_OLD_ROOT_MISMATCH", "the empty tree's root is EMPTY_ROOT");
    if (newSize === 0 && !hashEquals(newRoot, EMPTY_ROOT))
      return refuse("EVIDENCE_NEW_ROOT_MISMATCH", "the empty tree's root is EMPTY_ROOT");
    return VERIFIED;
  }
  if (oldSize === newSize)
    return hashEquals(oldRoot, newRoot) ? VERIFIED : refuse("EVIDENCE_NEW_ROOT_MISMATCH", "equal sizes, other roots");
  // 1. an empty path fails: excluded above, the length for 0 < oldSize < newSize is at least 1
  // 2. a power-of-two old tree is a full subtree of the new one: its root is the path's start
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...parsed.hashes] : parsed.hashes;
  // 3.
  let fn = oldSize - 1;
  let sn = newSize - 1;
  // 4.
  while (lsb(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // 5.
  let fr = path[0]!;
  let sr = path[0]!;
  // 6.
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return refuse("EVIDENCE_PROOF_LENGTH_MISMATCH", "proof is longer than the path"); // 6a
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr); // 6b.i
      sr = nodeHash(c, sr); // 6b.ii
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn); // 6b.iii
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c); // 6b otherwise
    }
    fn = half(fn); // 6c
    sn = half(sn);
  }
  // 7.
  if (sn !== 0) return refuse("EVIDENCE_PROOF_LENGTH_MISMATCH", "proof is shorter than the path");
  if (!hashEquals(fr, oldRoot)) return refuse("EVIDENCE_OLD_ROOT_MISMATCH", "the proof does not lead to the old root");
  if (!hashEquals(sr, newRoot)) return refuse("EVIDENCE_NEW_ROOT_MISMATCH", "the proof does not lead to the new root");
  return VERIFIED;
}
