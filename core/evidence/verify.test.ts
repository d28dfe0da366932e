import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EMPTY_ROOT, hashToHex, leafHash, nodeHash, type Hash } from "./hash";
import { MemoryNodeStore, MerkleLog } from "./log";
import { assembleProof, consistencyPlan, inclusionPlan, rootPlan } from "./plan";
import { hexAll, sampleEntries } from "./reference.test-util";
import { MAX_PROOF_HASHES, verifyConsistency, verifyInclusion } from "./verify";

const SIZE = 300;
const entries = sampleEntries(SIZE);
const log = MerkleLog.open(new MemoryNodeStore());
for (const e of entries) log.appendEntry(e);
const roots = Array.from({ length: SIZE + 1 }, (_, n) => log.rootAt(n));

const flip = (h: Hash, bit: number): Hash => {
  const out = Uint8Array.from(h);
  out[bit >> 3] = out[bit >> 3]! ^ (1 << (bit & 7));
  return out;
};
const same = (a: readonly Hash[], b: readonly Hash[]) => hexAll(a).join() === hexAll(b).join();

/** (index, size) with index < size ≤ SIZE */
const arbLeaf = fc
  .integer({ min: 1, max: SIZE })
  .chain((size) => fc.record({ size: fc.constant(size), index: fc.integer({ min: 0, max: size - 1 }) }));
/** (oldSize, newSize) with 0 < oldSize < newSize ≤ SIZE */
const arbSizes = fc
  .integer({ min: 2, max: SIZE })
  .chain((newSize) => fc.record({ newSize: fc.constant(newSize), oldSize: fc.integer({ min: 1, max: newSize - 1 }) }));

function inclusionClaim(index: number, size: number) {
  return { leafHash: log.leafHashAt(index), index, size, proof: log.inclusionProof(index, size), root: roots[size]! };
}
function consistencyClaim(oldSize: number, newSize: number) {
  const proof = log.consistencyProof(oldSize, newSize);
  return { oldSize, newSize, oldRoot: roots[oldSize]!, newRoot: roots[newSize]!, proof };
}

describe("verifyInclusion", () => {
  it("accepts every proof the log makes, as bytes or as hex", () => {
    fc.assert(
      fc.property(arbLeaf, ({ index, size }) => {
        const claim = inclusionClaim(index, size);
        expect(verifyInclusion(claim)).toEqual({ ok: true });
        const asHex = { ...claim, leafHash: hashToHex(claim.leafHash), root: hashToHex(claim.root) };
        expect(verifyInclusion({ ...asHex, proof: claim.proof.map(hashToHex) })).toEqual({ ok: true });
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a changed leaf, a changed proof hash or a changed root", () => {
    fc.assert(
      fc.property(arbLeaf, fc.nat(255), fc.nat(), ({ index, size }, bit, pick) => {
        const claim = inclusionClaim(index, size);
        const leafChanged = verifyInclusion({ ...claim, leafHash: flip(claim.leafHash, bit) });
        expect(leafChanged).toMatchObject({ ok: false, error: "EVIDENCE_ROOT_MISMATCH" });
        expect(verifyInclusion({ ...claim, root: flip(claim.root, bit) })).toMatchObject({ ok: false });
        if (claim.proof.length > 0) {
          const at = pick % claim.proof.length;
          const proof = claim.proof.map((h, i) => (i === at ? flip(h, bit) : h));
          expect(verifyInclusion({ ...claim, proof })).toMatchObject({ ok: false, error: "EVIDENCE_ROOT_MISMATCH" });
        }
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a leaf claimed at another index", () => {
    fc.assert(
      fc.property(arbLeaf, fc.nat(), ({ index, size }, pick) => {
        fc.pre(size > 1);
        const other = (index + 1 + (pick % (size - 1))) % size;
        expect(verifyInclusion({ ...inclusionClaim(index, size), index: other }).ok).toBe(false);
        // nor does the other leaf pass with this leaf's proof
        const claim = inclusionClaim(index, size);
        expect(verifyInclusion({ ...claim, leafHash: log.leafHashAt(other) }).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses the proof against another tree head (size and its root), unless it is that head's proof too", () => {
    fc.assert(
      fc.property(arbLeaf, fc.integer({ min: 1, max: SIZE }), ({ index, size }, otherSize) => {
        fc.pre(otherSize !== size && index < otherSize);
        const claim = inclusionClaim(index, size);
        const result = verifyInclusion({ ...claim, size: otherSize, root: roots[otherSize]! });
        expect(result.ok).toBe(same(claim.proof, log.inclusionProof(index, otherSize)));
      }),
      { numRuns: 300 },
    );
  });

  it("binds the size only through the root: a (size, root) pair must come from one tree head", () => {
    // documented property of RFC 9162, not a defect of this code: leaf 0's proof in 3 entries is
    // [d1, d2], and so is the shape of a proof in 4 entries, so the size-3 root passes as "size 4".
    // The anchoring contract therefore takes size and root from its own stored head, together.
    const claim = inclusionClaim(0, 3);
    expect(verifyInclusion({ ...claim, size: 4 })).toEqual({ ok: true });
    expect(verifyInclusion({ ...claim, size: 4, root: roots[4]! }).ok).toBe(false);
  });

  it("refuses a proof one hash short or long, and an index at or past the size", () => {
    fc.assert(
      fc.property(arbLeaf, ({ index, size }) => {
        const claim = inclusionClaim(index, size);
        const extra = verifyInclusion({ ...claim, proof: [...claim.proof, claim.root] });
        expect(extra).toMatchObject({ ok: false, error: "EVIDENCE_PROOF_LENGTH_MISMATCH" });
        if (claim.proof.length > 0) {
          const short = verifyInclusion({ ...claim, proof: claim.proof.slice(1) });
          expect(short).toMatchObject({ ok: false, error: "EVIDENCE_PROOF_LENGTH_MISMATCH" });
        }
        const past = verifyInclusion({ ...claim, index: size });
        expect(past).toMatchObject({ ok: false, error: "EVIDENCE_INDEX_OUT_OF_RANGE" });
      }),
      { numRuns: 200 },
    );
  });
});

describe("verifyConsistency", () => {
  it("accepts every proof the log makes", () => {
    fc.assert(
      fc.property(arbSizes, ({ oldSize, newSize }) => {
        expect(verifyConsistency(consistencyClaim(oldSize, newSize))).toEqual({ ok: true });
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a changed proof hash, old root or new root", () => {
    fc.assert(
      fc.property(arbSizes, fc.nat(255), fc.nat(), ({ oldSize, newSize }, bit, pick) => {
        const claim = consistencyClaim(oldSize, newSize);
        const at = pick % claim.proof.length;
        const proof = claim.proof.map((h, i) => (i === at ? flip(h, bit) : h));
        expect(verifyConsistency({ ...claim, proof }).ok).toBe(false);
        // a power-of-two old tree's root is where the path starts, so a wrong one shows in the new root
        const oldChanged = verifyConsistency({ ...claim, oldRoot: flip(claim.oldRoot, bit) });
        const oldIsPowerOfTwo = Number.isInteger(Math.log2(oldSize));
        const expected = oldIsPowerOfTwo ? "EVIDENCE_NEW_ROOT_MISMATCH" : "EVIDENCE_OLD_ROOT_MISMATCH";
        expect(oldChanged).toMatchObject({ ok: false, error: expected });
        const newChanged = verifyConsistency({ ...claim, newRoot: flip(claim.newRoot, bit) });
        expect(newChanged).toMatchObject({ ok: false, error: "EVIDENCE_NEW_ROOT_MISMATCH" });
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a forked history: any entry before the old size changed", () => {
    fc.assert(
      fc.property(arbSizes, fc.nat(), ({ oldSize, newSize }, pick) => {
        const changed = pick % oldSize;
        const fork = MerkleLog.open(new MemoryNodeStore());
        entries.slice(0, newSize).forEach((e, i) => fork.appendEntry(i === changed ? new Uint8Array([...e, 0]) : e));
        const forkProof = fork.consistencyProof(oldSize, newSize);
        // the anchored old root is the true one; the fork's new root comes with the fork's own proof
        const forged = { oldSize, newSize, oldRoot: roots[oldSize]!, newRoot: fork.root(), proof: forkProof };
        expect(verifyConsistency(forged).ok).toBe(false);
        // nor does the true proof carry the fork's new root
        expect(verifyConsistency({ ...consistencyClaim(oldSize, newSize), newRoot: fork.root() }).ok).toBe(false);
        // while the fork is consistent with itself
        const own = { oldSize, newSize, oldRoot: fork.rootAt(oldSize), newRoot: fork.root(), proof: forkProof };
        expect(verifyConsistency(own)).toEqual({ ok: true });
      }),
      { numRuns: 100 },
    );
  });

  it("refuses the proof for other sizes (with their true roots), unless it is their proof too", () => {
    fc.assert(
      fc.property(arbSizes, arbSizes, (a, b) => {
        fc.pre(a.oldSize !== b.oldSize || a.newSize !== b.newSize);
        const claim = consistencyClaim(a.oldSize, a.newSize);
        const moved = { ...claim, ...b, oldRoot: roots[b.oldSize]!, newRoot: roots[b.newSize]! };
        expect(verifyConsistency(moved).ok).toBe(same(claim.proof, log.consistencyProof(b.oldSize, b.newSize)));
      }),
      { numRuns: 300 },
    );
  });

  it("outside the RFC's 0 < old < new: equal sizes need equal roots, the empty tree needs EMPTY_ROOT", () => {
    const r = roots[5]!;
    expect(verifyConsistency({ oldSize: 5, newSize: 5, oldRoot: r, newRoot: r, proof: [] })).toEqual({ ok: true });
    const other = { oldSize: 5, newSize: 5, oldRoot: r, newRoot: roots[4]!, proof: [] };
    expect(verifyConsistency(other)).toMatchObject({ error: "EVIDENCE_NEW_ROOT_MISMATCH" });
    const padded = { oldSize: 5, newSize: 5, oldRoot: r, newRoot: r, proof: [r] };
    expect(verifyConsistency(padded)).toMatchObject({ error: "EVIDENCE_PROOF_LENGTH_MISMATCH" });
    expect(verifyConsistency({ oldSize: 0, newSize: 9, oldRoot: EMPTY_ROOT, newRoot: r, proof: [] })).toEqual({
      ok: true,
    });
    const notEmpty = { oldSize: 0, newSize: 9, oldRoot: r, newRoot: r, proof: [] };
    expect(verifyConsistency(notEmpty)).toMatchObject({ error: "EVIDENCE_OLD_ROOT_MISMATCH" });
    const emptyToEmpty = { oldSize: 0, newSize: 0, oldRoot: EMPTY_ROOT, newRoot: r, proof: [] };
    expect(verifyConsistency(emptyToEmpty)).toMatchObject({ error: "EVIDENCE_NEW_ROOT_MISMATCH" });
    const noProof = { ...consistencyClaim(3, 7), proof: [] };
    expect(verifyConsistency(noProof)).toMatchObject({ error: "EVIDENCE_PROOF_LENGTH_MISMATCH" });
    const backwards = { ...consistencyClaim(3, 7), oldSize: 7, newSize: 3 };
    expect(verifyConsistency(backwards)).toMatchObject({ error: "EVIDENCE_SIZES_OUT_OF_ORDER" });
  });
});

describe("hostile input", () => {
  it("never throws, whatever the fields hold", () => {
    const anything = fc.anything({ withBigInt: true, withTypedArray: true });
    fc.assert(
      fc.property(anything, anything, anything, anything, anything, (w, x, y, z, proof) => {
        const a = verifyInclusion({ leafHash: w, index: x, size: y, root: z, proof } as never);
        const b = verifyConsistency({ oldSize: x, newSize: y, oldRoot: w, newRoot: z, proof } as never);
        expect(a).toMatchObject({ ok: false, error: expect.stringMatching(/^EVIDENCE_/) });
        expect(b).toMatchObject({ ok: false, error: expect.stringMatching(/^EVIDENCE_/) });
      }),
      { numRuns: 500 },
    );
  });

  it("answers a claim that is not an object", () => {
    for (const claim of [null, undefined, 7, "claim"]) {
      expect(verifyInclusion(claim as never)).toMatchObject({ error: "EVIDENCE_CLAIM_MALFORMED" });
      expect(verifyConsistency(claim as never)).toMatchObject({ error: "EVIDENCE_CLAIM_MALFORMED" });
    }
  });

  it("names what is wrong: malformed hashes, non-integer sizes, proofs not arrays", () => {
    const claim = inclusionClaim(5, 20);
    const bad = (patch: object) => (verifyInclusion({ ...claim, ...patch } as never) as { error?: string }).error;
    expect(bad({ leafHash: "0x1234" })).toBe("EVIDENCE_HASH_MALFORMED");
    expect(bad({ root: new Uint8Array(33) })).toBe("EVIDENCE_HASH_MALFORMED");
    expect(bad({ proof: claim.proof.map((h, i) => (i === 0 ? "0x" + "zz".repeat(32) : h)) })).toBe(
      "EVIDENCE_HASH_MALFORMED",
    );
    expect(bad({ index: 2.5 })).toBe("EVIDENCE_SIZE_INVALID");
    expect(bad({ size: 2 ** 53 })).toBe("EVIDENCE_SIZE_INVALID");
    expect(bad({ index: -1 })).toBe("EVIDENCE_SIZE_INVALID");
    expect(bad({ size: 20n })).toBe("EVIDENCE_SIZE_INVALID");
    expect(bad({ proof: "not a list" })).toBe("EVIDENCE_PROOF_LENGTH_MISMATCH");
  });

  it("refuses a proof of more than MAX_PROOF_HASHES before reading or hashing any of it", () => {
    const reads: number[] = [];
    const proof = new Proxy(
      Array.from({ length: MAX_PROOF_HASHES + 1 }, () => "0x"),
      {
        get(target, key, receiver) {
          if (typeof key === "string" && /^\d+$/.test(key)) reads.push(Number(key));
          return Reflect.get(target, key, receiver);
        },
      },
    );
    const claim = { ...inclusionClaim(5, 20), proof };
    expect(verifyInclusion(claim)).toMatchObject({ error: "EVIDENCE_PROOF_TOO_LONG" });
    const big = { ...consistencyClaim(3, 20), proof };
    expect(verifyConsistency(big)).toMatchObject({ error: "EVIDENCE_PROOF_TOO_LONG" });
    expect(reads).toEqual([]);
  });
});

describe("trees near MAX_TREE_SIZE", () => {
  // A tree whose leaves are all equal has one hash per level, so proofs for sizes up to 2^53 − 1
  // can be assembled without 2^53 leaves: this exercises the size arithmetic past 32 bits.
  const levels: Hash[] = [leafHash(new Uint8Array([7]))];
  for (let l = 1; l <= 53; l++) levels.push(nodeHash(levels[l - 1]!, levels[l - 1]!));
  const lookup = ({ level }: { level: number }) => levels[level];
  const rootOf = (size: number) => assembleProof(rootPlan(size), lookup)[0]!;
  const arbBig = fc.integer({ min: 2 ** 32, max: Number.MAX_SAFE_INTEGER });

  it("inclusion proofs verify and refuse a changed leaf or another tree head", () => {
    fc.assert(
      fc.property(arbBig, fc.nat(), (size, pick) => {
        const index = pick % size;
        const proof = assembleProof(inclusionPlan(index, size), lookup);
        expect(proof.length).toBeLessThanOrEqual(53);
        const claim = { leafHash: levels[0]!, index, size, proof, root: rootOf(size) };
        expect(verifyInclusion(claim)).toEqual({ ok: true });
        expect(verifyInclusion({ ...claim, leafHash: flip(levels[0]!, 3) }).ok).toBe(false);
        // (every leaf is alike here, so another index is no lie: other tests cover it)
        expect(verifyInclusion({ ...claim, size: size - 1, root: rootOf(size - 1) }).ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it("consistency proofs verify and refuse another new root", () => {
    fc.assert(
      fc.property(arbBig, fc.nat(), (newSize, pick) => {
        const oldSize = 1 + (pick % (newSize - 1));
        const proof = assembleProof(consistencyPlan(oldSize, newSize), lookup);
        expect(proof.length).toBeLessThanOrEqual(54);
        const claim = { oldSize, newSize, oldRoot: rootOf(oldSize), newRoot: rootOf(newSize), proof };
        expect(verifyConsistency(claim)).toEqual({ ok: true });
        expect(verifyConsistency({ ...claim, newRoot: rootOf(newSize - 1) }).ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
