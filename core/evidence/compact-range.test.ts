import fc from "fast-check";
import { keccak256 } from "viem";
import { describe, expect, it } from "vitest";
import { ClearlineError } from "../errors";
import { CompactRange } from "./compact-range";
import { EMPTY_ROOT, hashToHex, leafHash } from "./hash";
import { rangeCover, rootPlan } from "./plan";
import { hex, refMTH, sampleEntries } from "./reference.test-util";

describe("CompactRange", () => {
  const entries = sampleEntries(64);

  it("the empty tree's root is keccak256 of empty input", () => {
    expect(hashToHex(EMPTY_ROOT)).toBe(keccak256(new Uint8Array(0)));
    expect(hashToHex(EMPTY_ROOT)).toBe("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    expect(hex(CompactRange.empty().root())).toBe(hex(EMPTY_ROOT));
  });

  it("root equals the naive RFC 9162 MTH for every size 0..64", () => {
    const range = CompactRange.empty();
    for (let n = 0; n <= 64; n++) {
      expect(range.size).toBe(n);
      expect(hex(range.root()), `size ${n}`).toBe(hex(refMTH(entries.slice(0, n))));
      expect(range.peaks.length).toBeLessThanOrEqual(7);
      if (n < 64) range.append(leafHash(entries[n]!));
    }
  });

  it("append reports the leaf and each full subtree it closed, with their hashes", () => {
    const range = CompactRange.empty();
    for (let n = 0; n < 64; n++) {
      const completed = range.append(leafHash(entries[n]!));
      // a binary counter's carries: one node per trailing one of the old size, plus the leaf
      let trailingOnes = 0;
      for (let v = n; v % 2 === 1; v = Math.floor(v / 2)) trailingOnes++;
      expect(completed.length).toBe(1 + trailingOnes);
      completed.forEach((node, i) => {
        expect(node.level).toBe(i);
        const width = 2 ** node.level;
        expect((node.index + 1) * width).toBe(n + 1);
        expect(hex(node.hash)).toBe(hex(refMTH(entries.slice(node.index * width, (node.index + 1) * width))));
      });
    }
  });

  it("resumed from its peaks (or from stored nodes) it continues with the same roots", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), (cut) => {
        const whole = CompactRange.empty();
        for (const e of entries.slice(0, cut)) whole.append(leafHash(e));
        const fromPeaks = CompactRange.resume(cut, whole.peaks);
        // the peaks are the full subtrees rootPlan names
        const stored = rootPlan(cut).nodes.map(({ level, index }) =>
          refMTH(entries.slice(index * 2 ** level, (index + 1) * 2 ** level)),
        );
        const fromStore = CompactRange.resume(cut, stored);
        for (const e of entries.slice(cut)) {
          whole.append(leafHash(e));
          fromPeaks.append(leafHash(e));
          fromStore.append(leafHash(e));
          expect(hex(fromPeaks.root())).toBe(hex(whole.root()));
          expect(hex(fromStore.root())).toBe(hex(whole.root()));
        }
      }),
      { numRuns: 30 },
    );
  });

  it("refuses to resume from the wrong number or shape of hashes, and malformed leaves", () => {
    const attempt = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return error instanceof ClearlineError ? [error.code, error.details.reason] : ["other"];
      }
      return ["no error"];
    };
    const h = leafHash(entries[0]!);
    expect(attempt(() => CompactRange.resume(3, [h]))).toEqual(["INVALID_INPUT", "EVIDENCE_PROOF_LENGTH_MISMATCH"]);
    expect(attempt(() => CompactRange.resume(1, [h.subarray(1)]))).toEqual([
      "INVALID_INPUT",
      "EVIDENCE_HASH_MALFORMED",
    ]);
    expect(attempt(() => CompactRange.resume(-1, []))).toEqual(["INVALID_INPUT", "EVIDENCE_SIZE_INVALID"]);
    expect(attempt(() => CompactRange.resume(1.5, []))).toEqual(["INVALID_INPUT", "EVIDENCE_SIZE_INVALID"]);
    expect(attempt(() => CompactRange.empty().append(new Uint8Array(31)))).toEqual([
      "INVALID_INPUT",
      "EVIDENCE_HASH_MALFORMED",
    ]);
  });

  it("the cover of [0, n) is one full subtree per set bit of n, largest first", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (n) => {
        const cover = rangeCover(0, n);
        expect(cover.length).toBe(n.toString(2).split("1").length - 1);
        let at = 0;
        for (const { level, index } of cover) {
          expect(index * 2 ** level).toBe(at);
          at += 2 ** level;
        }
        expect(at).toBe(n);
      }),
    );
  });
});
