/**
 * A log that can prove things about any of its past sizes: a CompactRange for the head, and a
 * NodeStore keeping every full subtree's hash (the leaves and ~1 node per leaf more, ≈ 2n hashes
 * in all). Every proof or root then costs O(log n) reads of nodes that never change.
 *
 * The store here is synchronous, which fits memory. A server on PostgreSQL uses the same parts
 * without this class: it writes the StoredNodes that CompactRange.append returns in the journal's
 * transaction, and answers a proof with plan → one SELECT of plan.nodes → assembleProof.
 */
import { isTreeSize } from "./bits";
import { CompactRange } from "./compact-range";
import { evidenceFailure } from "./errors";
import { EMPTY_ROOT, leafHash, type Hash } from "./hash";
import {
  assembleProof,
  consistencyPlan,
  inclusionPlan,
  rootPlan,
  type NodeId,
  type ProofPlan,
  type StoredNode,
} from "./plan";

/** Where the hashes of full subtrees live. */
export interface NodeStore {
  /** The hash of the full subtree `id`, or undefined when the store does not hold it. */
  get(id: NodeId): Hash | undefined;
  /** Keeps the nodes one append completed: the leaf (level 0) first, then each closed subtree, bottom-up. */
  put(nodes: readonly StoredNode[]): void;
}

/** A NodeStore in memory: one array of hashes per level. */
export class MemoryNodeStore implements NodeStore {
  private readonly levels: Hash[][] = [];

  /** The stored hash of `id`, if any. */
  get(id: NodeId): Hash | undefined {
    return this.levels[id.level]?.[id.index];
  }

  /** Stores each node (a node written twice keeps the last hash). */
  put(nodes: readonly StoredNode[]): void {
    for (const node of nodes) (this.levels[node.level] ??= [])[node.index] = node.hash;
  }

  /** How many hashes are stored. */
  get nodeCount(): number {
    return this.levels.reduce((sum, level) => sum + level.length, 0);
  }
}

export class MerkleLog {
  private constructor(
    private readonly store: NodeStore,
    private head: CompactRange,
  ) {}

  /** Opens the log held by `store` at `size` leaves (0 for a new log), rebuilding the head from stored nodes. */
  static open(store: NodeStore, size = 0): MerkleLog {
    const hashes = assembleNodes(store, rootPlan(size));
    return new MerkleLog(store, CompactRange.resume(size, hashes));
  }

  /** Number of leaves. */
  get size(): number {
    return this.head.size;
  }

  /** Appends a leaf by its hash and stores the nodes it completed; returns them. */
  appendLeafHash(hash: Hash): StoredNode[] {
    // the head moves only once the store has the nodes: a failed put leaves the log as it was
    const next = this.head.copy();
    const completed = next.append(hash);
    this.store.put(completed);
    this.head = next;
    return completed;
  }

  /** Appends an entry's bytes (hashed as keccak256(0x00 ‖ entry)); returns the nodes it completed. */
  appendEntry(entry: Uint8Array): StoredNode[] {
    return this.appendLeafHash(leafHash(entry));
  }

  /** The current root. */
  root(): Hash {
    return this.head.root();
  }

  /** The root the log had at `size` leaves (size ≤ the current size). */
  rootAt(size: number): Hash {
    this.checkPast("size", size);
    if (size === 0) return EMPTY_ROOT;
    return assembleProof(rootPlan(size), (id) => this.store.get(id))[0]!;
  }

  /** The stored hash of leaf `index`. */
  leafHashAt(index: number): Hash {
    return assembleProof(inclusionOf(index, this.size), (id) => this.store.get(id))[0]!;
  }

  /** RFC 9162 inclusion proof of leaf `index` in the tree of the first `size` leaves (default: now). */
  inclusionProof(index: number, size: number = this.size): Hash[] {
    this.checkPast("size", size);
    return assembleProof(inclusionPlan(index, size), (id) => this.store.get(id));
  }

  /** RFC 9162 consistency proof from the tree of `oldSize` leaves to that of `newSize` (default: now). */
  consistencyProof(oldSize: number, newSize: number = this.size): Hash[] {
    this.checkPast("newSize", newSize);
    return assembleProof(consistencyPlan(oldSize, newSize), (id) => this.store.get(id));
  }

  private checkPast(name: string, size: number): void {
    if (!isTreeSize(size))
      evidenceFailure("EVIDENCE_SIZE_INVALID", `${name} ${size} is not a tree size`, { [name]: size });
    if (size > this.size)
      evidenceFailure("EVIDENCE_SIZES_OUT_OF_ORDER", `${name} ${size} is beyond the log's ${this.size} leaves`, {
        [name]: size,
        logSize: this.size,
      });
  }
}

/** The plan reading one leaf: a single element holding the leaf node. */
function inclusionOf(index: number, size: number): ProofPlan {
  if (!isTreeSize(index) || index >= size)
    evidenceFailure("EVIDENCE_INDEX_OUT_OF_RANGE", `leaf ${index} is not in a log of ${size}`, { index, size });
  const id = { level: 0, index };
  return { elements: [[id]], nodes: [id] };
}

/** The stored hashes of a plan's nodes, in plan order. */
function assembleNodes(store: NodeStore, plan: ProofPlan): Hash[] {
  return assembleProof({ elements: plan.nodes.map((id) => [id]), nodes: plan.nodes }, (id) => store.get(id));
}
