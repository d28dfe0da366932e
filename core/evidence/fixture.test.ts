import { describe, expect, it } from "vitest";
import { evidenceFixture, MAX_FIXTURE_SIZE } from "./fixture";
import { hashToHex, leafHash, parseHash } from "./hash";
import { hexAll, refMTH } from "./reference.test-util";
import { verifyConsistency, verifyInclusion } from "./verify";

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex.slice(2), "hex"));

describe("evidenceFixture", () => {
  it("is deterministic: the same options give the same JSON, another seed other entries", () => {
    const a = JSON.stringify(evidenceFixture({ seed: 42, size: 50 }));
    expect(JSON.stringify(evidenceFixture({ seed: 42, size: 50 }))).toBe(a);
    const other = evidenceFixture({ seed: 43, size: 50 });
    expect(other.entries).not.toEqual(evidenceFixture({ seed: 42, size: 50 }).entries);
  });

  it("its entries, leaf hashes and roots are what the RFC's MTH gives", () => {
    const fixture = evidenceFixture({ seed: 7, size: 33 });
    const entries = fixture.entries.map(bytes);
    expect(fixture.leafHashes).toEqual(entries.map((e) => hashToHex(leafHash(e))));
    expect(hexAll(fixture.roots.map(bytes))).toEqual(
      Array.from({ length: 34 }, (_, n) => hexAll([refMTH(entries.slice(0, n))])[0]),
    );
    // entry i carries sequence i + 1 in its first 8 bytes
    entries.forEach((e, i) => expect(new DataView(e.buffer).getBigUint64(0, false)).toBe(BigInt(i + 1)));
  });

  it.each([1, 2, 17, 200])("every valid case verifies and every altered one is refused (seed %i)", (seed) => {
    const fixture = evidenceFixture({ seed, size: 1 + ((seed * 37) % 300), inclusionCases: 24, consistencyCases: 24 });
    for (const c of fixture.inclusion) {
      expect(c.valid).toBe(c.name === "valid");
      const result = verifyInclusion(c);
      expect(result.ok, `${c.name} ${c.index}/${c.size}`).toBe(c.valid);
      expect(result.ok ? null : result.error).toBe(c.error);
      expect(parseHash(c.root)).toBeDefined();
    }
    for (const c of fixture.consistency) {
      const result = verifyConsistency(c);
      expect(result.ok, `${c.name} ${c.oldSize}→${c.newSize}`).toBe(c.valid);
      expect(result.ok ? null : result.error).toBe(c.error);
    }
  });

  it("holds every kind of case the Solidity tests need, forked histories included", () => {
    const names = new Set<string>();
    for (let seed = 0; seed < 4; seed++) {
      const fixture = evidenceFixture({ seed, size: 64 });
      for (const c of [...fixture.inclusion, ...fixture.consistency]) names.add(c.name);
    }
    expect([...names].sort()).toEqual([
      "forked",
      "index-changed",
      "leaf-changed",
      "old-root-changed",
      "proof-hash-changed",
      "root-changed",
      "size-changed",
      "valid",
    ]);
  });

  it("refuses sizes it does not make", () => {
    expect(() => evidenceFixture({ seed: 1, size: 0 })).toThrow(RangeError);
    expect(() => evidenceFixture({ seed: 1, size: MAX_FIXTURE_SIZE + 1 })).toThrow(RangeError);
    expect(() => evidenceFixture({ seed: 0.5, size: 3 })).toThrow(RangeError);
  });
});
