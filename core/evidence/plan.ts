/**
 * Which stored nodes make up a root or a proof. Every hash in an RFC 9162 proof is the MTH of a
 * leaf range [start, end), and every such range is a run of full (perfect) subtrees whose sizes
 * are the set bits of its length, largest first. A full subtree never changes once complete, so
 * a store that keeps them can answer for any past tree size. Planning is pure and needs no store:
 * a server reads `plan.nodes` in one query, then calls assembleProof.
 */
import { bitLength, isTreeSize, splitPoint } from "./bits";
import { evidenceFailure } from "./errors";
import { nodeHash, type Hash } from "./hash";

/** A full subtree: leaves [index·2^level, (index+1)·2^level); level 0 is a leaf. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** A full subtree and its hash, as a store keeps it. */
export interface StoredNode extends NodeId {
  readonly hash: Hash;
}

/** What a root or proof is made of; see assembleProof. */
export interface ProofPlan {
  /** Each hash of the result in order, as the full subtrees (left to right) whose MTH it is. */
  readonly elements: readonly (readonly NodeId[])[];
  /** The distinct nodes the elements use: what to read from a store. */
  readonly nodes: readonly NodeId[];
}

/** A stable string key for a node id (maps, SQL tuples). */
export function nodeKey(id: NodeId): string {
  return `${id.level}:${id.index}`;
}

/** The full subtrees that make up leaves [start, end) as RFC 9162 splits a subtree of that range. */
export function rangeCover(start: number, end: number): NodeId[] {
  const cover: NodeId[] = [];
  let at = start;
  while (at < end) {
    const level = bitLength(end - at) - 1;
    const width = 2 ** level;
    // the recursion of RFC 9162 only yields ranges that start on a multiple of their largest part
    if (at % width !== 0) throw new RangeError(`[${start}, ${end}) is not a subtree range of the log`);
    cover.push({ level, index: at / width });
    at += width;
  }
  return cover;
}

function plan(ranges: readonly (readonly [number, number])[]): ProofPlan {
  const elements = ranges.map(([start, end]) => rangeCover(start, end));
  const seen = new Map<string, NodeId>();
  for (const element of elements) for (const id of element) seen.set(nodeKey(id), id);
  return { elements, nodes: [...seen.values()] };
}

function checkSize(name: string, size: number): void {
  if (!isTreeSize(size))
    evidenceFailure("EVIDENCE_SIZE_INVALID", `${name} ${size} is not a tree size`, { [name]: size });
}

/** The plan of the root of the first `size` leaves: one element (none for the empty tree). */
export function rootPlan(size: number): ProofPlan {
  checkSize("size", size);
  return plan(size === 0 ? [] : [[0, size]]);
}

/** PATH(m, D[start:start+n]) of RFC 9162 §2.1.3.1, as leaf ranges. */
function pathRanges(m: number, start: number, n: number, out: [number, number][]): void {
  if (n === 1) return;
  const k = splitPoint(n);
  if (m < k) {
    pathRanges(m, start, k, out);
    out.push([start + k, start + n]);
  } else {
    pathRanges(m - k, start + k, n - k, out);
    out.push([start, start + k]);
  }
}

/** The plan of the inclusion proof of leaf `index` in the tree of the first `size` leaves. */
export function inclusionPlan(index: number, size: number): ProofPlan {
  checkSize("index", index);
  checkSize("size", size);
  if (index >= size)
    evidenceFailure("EVIDENCE_INDEX_OUT_OF_RANGE", `leaf ${index} is not in a tree of ${size}`, { index, size });
  const ranges: [number, number][] = [];
  pathRanges(index, 0, size, ranges);
  return plan(ranges);
}

/** SUBPROOF(m, D[start:start+n], complete) of RFC 9162 §2.1.4.1, as leaf ranges. */
function subproofRanges(m: number, start: number, n: number, complete: boolean, out: [number, number][]): void {
  if (m === n) {
    if (!complete) out.push([start, start + n]);
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproofRanges(m, start, k, complete, out);
    out.push([start + k, start + n]);
  } else {
    subproofRanges(m - k, start + k, n - k, false, out);
    out.push([start, start + k]);
  }
}

/**
 * The plan of the consistency proof PROOF(oldSize, D[newSize]). RFC 9162 defines it for
 * 0 < oldSize < newSize; for oldSize = 0 or oldSize = newSize the proof is empty (nothing to prove),
 * which verifyConsistency accepts under the conditions it documents.
 */
export function consistencyPlan(oldSize: number, newSize: number): ProofPlan {
  checkSize("oldSize", oldSize);
  checkSize("newSize", newSize);
  if (oldSize > newSize)
    evidenceFailure("EVIDENCE_SIZES_OUT_OF_ORDER", `old size ${oldSize} is above new size ${newSize}`, {
      oldSize,
      newSize,
    });
  const ranges: [number, number][] = [];
  if (oldSize > 0 && oldSize < newSize) subproofRanges(oldSize, 0, newSize, true, ranges);
  return plan(ranges);
}

/** MTH of a range from its full subtrees' hashes, left to right: the right-most pair first. */
export function foldCover(hashes: readonly Hash[]): Hash {
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  return acc;
}

/** The hashes of `plan`, reading each node through `lookup`; throws EVIDENCE_NODE_MISSING for a gap. */
export function assembleProof(plan: ProofPlan, lookup: (id: NodeId) => Hash | undefined): Hash[] {
  return plan.elements.map((element) =>
    foldCover(
      element.map((id) => {
        const hash = lookup(id);
        if (!hash)
          evidenceFailure("EVIDENCE_NODE_MISSING", `node ${nodeKey(id)} is not in the store`, {
            level: id.level,
            index: id.index,
          });
        return hash;
      }),
    ),
  );
}
