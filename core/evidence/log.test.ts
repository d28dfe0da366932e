import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClearlineError } from "../errors";
import { leafHash, type Hash } from "./hash";
import { MemoryNodeStore, MerkleLog, type NodeStore } from "./log";
import { consistencyPlan, inclusionPlan, nodeKey, type NodeId } from "./plan";
import { hex, hexAll, refMTH, refPATH, refPROOF, sampleEntries } from "./reference.test-util";
import { consistencyProofLength, inclusionProofLength } from "./verify";

const entries = sampleEntries(40);
function logOf(count: number, store: NodeStore = new MemoryNodeStore()): MerkleLog {
  const log = MerkleLog.open(store);
  for (const e of entries.slice(0, count)) log.appendEntry(e);
  return log;
}

function failure(f: () => unknown): [string, unknown] | string {
  try {
    f();
  } catch (error) {
    return error instanceof ClearlineError ? [error.code, error.details.reason] : String(error);
  }
  return "no error";
}

describe("MerkleLog proofs equal the RFC 9162 definitions", () => {
  const log = logOf(40);

  it("rootAt(n) is MTH(D[n]) for every past size", () => {
    for (let n = 0; n <= 40; n++) expect(hex(log.rootAt(n)), `n=${n}`).toBe(hex(refMTH(entries.slice(0, n))));
    expect(hex(log.root())).toBe(hex(refMTH(entries)));
  });

  it("inclusionProof(m, n) is PATH(m, D[n]) for every 0 ≤ m < n ≤ 40", () => {
    for (let n = 1; n <= 40; n++) {
      for (let m = 0; m < n; m++) {
        const proof = log.inclusionProof(m, n);
        expect(hexAll(proof), `m=${m} n=${n}`).toEqual(hexAll(refPATH(m, entries.slice(0, n))));
        expect(proof.length).toBe(inclusionProofLength(m, n));
      }
    }
  });

  it("consistencyProof(m, n) is PROOF(m, D[n]) for every 0 < m < n ≤ 40, empty for m = 0 or m = n", () => {
    for (let n = 1; n <= 40; n++) {
      expect(log.consistencyProof(0, n)).toEqual([]);
      expect(log.consistencyProof(n, n)).toEqual([]);
      for (let m = 1; m < n; m++) {
        const proof = log.consistencyProof(m, n);
        expect(hexAll(proof), `m=${m} n=${n}`).toEqual(hexAll(refPROOF(m, entries.slice(0, n))));
        expect(proof.length).toBe(consistencyProofLength(m, n));
        expect(proof.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)) + 1); // the RFC's bound
      }
    }
  });

  it("leafHashAt reads the stored leaf", () => {
    entries.forEach((e, i) => expect(hex(log.leafHashAt(i))).toBe(hex(leafHash(e))));
  });
});

describe("MerkleLog and its store", () => {
  it("keeps 2n − popcount(n) hashes: every leaf and every full subtree, nothing else", () => {
    for (let n = 0; n <= 40; n++) {
      const store = new MemoryNodeStore();
      logOf(n, store);
      const ones = n.toString(2).split("1").length - 1;
      expect(store.nodeCount).toBe(2 * n - ones);
    }
  });

  it("reopened from its store at any size, it continues with the same roots and proofs", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 39 }), (cut) => {
        const store = new MemoryNodeStore();
        logOf(cut, store);
        const reopened = MerkleLog.open(store, cut);
        for (const e of entries.slice(cut)) reopened.appendEntry(e);
        const whole = logOf(40);
        expect(hex(reopened.root())).toBe(hex(whole.root()));
        expect(hexAll(reopened.consistencyProof(Math.max(1, cut), 40))).toEqual(
          hexAll(whole.consistencyProof(Math.max(1, cut), 40)),
        );
      }),
      { numRuns: 20 },
    );
  });

  it("a plan names each node once and only full subtrees inside the tree", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        (size, a, b) => {
          const index = a % size;
          const oldSize = b % (size + 1);
          for (const [plan, length] of [
            [inclusionPlan(index, size), inclusionProofLength(index, size)],
            [consistencyPlan(oldSize, size), consistencyProofLength(oldSize, size)],
          ] as const) {
            expect(plan.elements.length).toBe(length);
            expect(new Set(plan.nodes.map(nodeKey)).size).toBe(plan.nodes.length);
            // disjoint ranges, each a handful of nodes: one read of O(log n) rows serves the proof
            expect(plan.nodes.length).toBeLessThanOrEqual(2 * 54);
            for (const { level, index: at } of plan.nodes) {
              expect(Number.isSafeInteger(at) && at >= 0).toBe(true);
              expect((at + 1) * 2 ** level).toBeLessThanOrEqual(size);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses bad requests with INVALID_INPUT and the reason", () => {
    const log = logOf(10);
    expect(failure(() => log.inclusionProof(10, 10))).toEqual(["INVALID_INPUT", "EVIDENCE_INDEX_OUT_OF_RANGE"]);
    expect(failure(() => log.inclusionProof(0, 11))).toEqual(["INVALID_INPUT", "EVIDENCE_SIZES_OUT_OF_ORDER"]);
    expect(failure(() => log.inclusionProof(-1, 5))).toEqual(["INVALID_INPUT", "EVIDENCE_SIZE_INVALID"]);
    expect(failure(() => log.inclusionProof(0, 0))).toEqual(["INVALID_INPUT", "EVIDENCE_INDEX_OUT_OF_RANGE"]);
    expect(failure(() => log.consistencyProof(6, 5))).toEqual(["INVALID_INPUT", "EVIDENCE_SIZES_OUT_OF_ORDER"]);
    expect(failure(() => log.consistencyProof(1, 11))).toEqual(["INVALID_INPUT", "EVIDENCE_SIZES_OUT_OF_ORDER"]);
    expect(failure(() => log.consistencyProof(0.5, 5))).toEqual(["INVALID_INPUT", "EVIDENCE_SIZE_INVALID"]);
    expect(failure(() => log.rootAt(11))).toEqual(["INVALID_INPUT", "EVIDENCE_SIZES_OUT_OF_ORDER"]);
    expect(failure(() => log.leafHashAt(10))).toEqual(["INVALID_INPUT", "EVIDENCE_INDEX_OUT_OF_RANGE"]);
    expect(failure(() => MerkleLog.open(new MemoryNodeStore(), 3))).toEqual(["INTERNAL", "EVIDENCE_NODE_MISSING"]);
  });

  it("an append whose store write fails leaves the log as it was", () => {
    const inner = new MemoryNodeStore();
    let failNext = false;
    const flaky: NodeStore = {
      get: (id) => inner.get(id),
      put: (nodes) => {
        if (failNext) throw new Error("disk full");
        inner.put(nodes);
      },
    };
    const log = logOf(5, flaky);
    const before = hex(log.root());
    failNext = true;
    expect(() => log.appendEntry(entries[5]!)).toThrow("disk full");
    expect(log.size).toBe(5);
    expect(hex(log.root())).toBe(before);
    failNext = false;
    log.appendEntry(entries[5]!);
    expect(hex(log.root())).toBe(hex(refMTH(entries.slice(0, 6))));
  });

  it("a store that lost a node answers INTERNAL, never a wrong proof", () => {
    const inner = new MemoryNodeStore();
    const lost: NodeId = { level: 1, index: 0 };
    const leaky: NodeStore = {
      get: (id): Hash | undefined => (nodeKey(id) === nodeKey(lost) ? undefined : inner.get(id)),
      put: (nodes) => inner.put(nodes),
    };
    const log = logOf(8, leaky);
    expect(failure(() => log.inclusionProof(2, 8))).toEqual(["INTERNAL", "EVIDENCE_NODE_MISSING"]);
    expect(failure(() => log.rootAt(3))).toEqual(["INTERNAL", "EVIDENCE_NODE_MISSING"]);
    expect(log.inclusionProof(0, 8)).toHaveLength(3); // proofs not touching it still work
  });
});
