// RFC 9162 §2.1.5's example: seven entries d0..d6, the tree drawn in the RFC, and its stated
// inclusion and consistency proofs. The node names are the RFC's; their hashes are built here
// from its picture, node by node.
import { describe, expect, it } from "vitest";
import { leafHash, nodeHash, type Hash } from "./hash";
import { MemoryNodeStore, MerkleLog } from "./log";
import { hexAll } from "./reference.test-util";
import { verifyConsistency, verifyInclusion } from "./verify";

const d = Array.from({ length: 7 }, (_, i) => new TextEncoder().encode(`d${i}`));
const [a, b, c, dd, e, f, j] = d.map(leafHash) as [Hash, Hash, Hash, Hash, Hash, Hash, Hash];
//             hash
//            /    \
//           k      l
//          / \    / \
//         g   h  i   j
//        / \ / \/ \  |
//        a b c d e f d6
const g = nodeHash(a, b);
const h = nodeHash(c, dd);
const i = nodeHash(e, f);
const k = nodeHash(g, h);
const l = nodeHash(i, j);
const hash = nodeHash(k, l);
// the same tree at 3, 4 and 6 entries
const hash0 = nodeHash(g, c);
const hash1 = k;
const hash2 = nodeHash(k, i);

const log = MerkleLog.open(new MemoryNodeStore());
for (const entry of d) log.appendEntry(entry);

describe("RFC 9162 example tree (7 entries)", () => {
  it("has the roots of the RFC's pictures at sizes 3, 4, 6 and 7", () => {
    expect(hexAll([log.rootAt(3), log.rootAt(4), log.rootAt(6), log.root()])).toEqual(
      hexAll([hash0, hash1, hash2, hash]),
    );
  });

  it.each([
    // stated in the RFC
    { leaf: 0, proof: [b, h, l], source: "RFC" },
    { leaf: 3, proof: [c, g, l], source: "RFC" },
    { leaf: 4, proof: [f, j, k], source: "RFC" },
    { leaf: 6, proof: [i, k], source: "RFC" },
    // the other leaves, read off the same picture
    { leaf: 1, proof: [a, h, l], source: "derived" },
    { leaf: 2, proof: [dd, g, l], source: "derived" },
    { leaf: 5, proof: [e, j, k], source: "derived" },
  ])("inclusion proof of d$leaf ($source)", ({ leaf, proof }) => {
    expect(hexAll(log.inclusionProof(leaf))).toEqual(hexAll(proof));
    expect(verifyInclusion({ leafHash: leafHash(d[leaf]!), index: leaf, size: 7, proof, root: hash })).toEqual({
      ok: true,
    });
  });

  it.each([
    { oldSize: 3, oldRoot: hash0, proof: [c, dd, g, l] },
    { oldSize: 4, oldRoot: hash1, proof: [l] },
    { oldSize: 6, oldRoot: hash2, proof: [i, j, k] },
  ])("consistency proof from $oldSize entries to 7", ({ oldSize, oldRoot, proof }) => {
    expect(hexAll(log.consistencyProof(oldSize, 7))).toEqual(hexAll(proof));
    expect(verifyConsistency({ oldSize, newSize: 7, oldRoot, newRoot: hash, proof })).toEqual({ ok: true });
  });
});
