import fc from "fast-check";
import { encodePacked, keccak256, toBytes, toHex } from "viem";
import { describe, expect, it } from "vitest";
import { ClearlineError } from "../errors";
import { hashToHex } from "./hash";
import {
  journalLeafBytes,
  journalRowLeaf,
  journalRowLeafHash,
  journalRowPayload,
  leafIndexOfSeq,
  seqOfLeafIndex,
} from "./leaf";

const arbSeq = fc.bigInt({ min: 1n, max: BigInt(Number.MAX_SAFE_INTEGER) });

describe("journal leaf encoding", () => {
  it("a row's leaf is abi.encodePacked(uint64 seq, keccak256(command), keccak256(events))", () => {
    fc.assert(
      fc.property(arbSeq, fc.string({ unit: "grapheme" }), fc.string(), (seq, command, events) => {
        const row = { seq, command, events };
        const packed = encodePacked(
          ["uint64", "bytes32", "bytes32"],
          [seq, keccak256(toBytes(command)), keccak256(toBytes(events))],
        );
        expect(toHex(journalRowLeaf(row))).toBe(packed);
        expect(journalRowLeaf(row)).toHaveLength(72);
        // what Solidity computes: keccak256(abi.encodePacked(bytes1(0x00), uint64(seq), keccak256(c), keccak256(e)))
        const solidity = keccak256(
          encodePacked(
            ["bytes1", "uint64", "bytes32", "bytes32"],
            ["0x00", seq, keccak256(toBytes(command)), keccak256(toBytes(events))],
          ),
        );
        expect(hashToHex(journalRowLeafHash(row))).toBe(solidity);
      }),
      { numRuns: 200 },
    );
  });

  it("text is hashed as its UTF-8 bytes, the same as passing those bytes", () => {
    const text = '~{"type":"PLACE","market":"ÉTH-€"}';
    const asText = journalRowPayload({ seq: 1n, command: text, events: "~[]" });
    const asBytes = journalRowPayload({ seq: 1n, command: new TextEncoder().encode(text), events: toBytes("~[]") });
    expect(toHex(asText)).toBe(toHex(asBytes));
    expect(toHex(asText.subarray(0, 32))).toBe(keccak256(toBytes(text)));
  });

  it("different rows give different leaves: the sequence, the command and the events each count", () => {
    const base = { seq: 7n, command: "~{}", events: "~[]" };
    const leaves = [base, { ...base, seq: 8n }, { ...base, command: "~{ }" }, { ...base, events: "~[ ]" }].map((r) =>
      toHex(journalRowLeafHash(r)),
    );
    expect(new Set(leaves).size).toBe(4);
  });

  it("journalLeafBytes is the sequence in 8 big-endian bytes, then the payload", () => {
    expect(toHex(journalLeafBytes(0x0102030405n, new Uint8Array([0xaa, 0xbb])))).toBe("0x0000000102030405aabb");
    expect(toHex(journalLeafBytes(1n, new Uint8Array(0)))).toBe("0x0000000000000001");
  });

  it("leaf index = sequence − 1, both ways", () => {
    fc.assert(
      fc.property(arbSeq, (seq) => {
        expect(leafIndexOfSeq(seq)).toBe(Number(seq) - 1);
        expect(seqOfLeafIndex(leafIndexOfSeq(seq))).toBe(seq);
      }),
    );
  });

  it.each([0n, -1n, 2n ** 53n, 2n ** 64n])("refuses sequence %s", (seq) => {
    for (const f of [() => leafIndexOfSeq(seq), () => journalLeafBytes(seq, new Uint8Array(1))]) {
      expect(f).toThrow(ClearlineError);
      expect(f).toThrow(/sequence/);
    }
  });

  it.each([-1, 0.5, Number.MAX_SAFE_INTEGER])("refuses leaf index %s", (index) => {
    expect(() => seqOfLeafIndex(index)).toThrow(ClearlineError);
  });
});
