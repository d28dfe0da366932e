import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalBytes, canonicalJson, parseCanonicalJson, type CanonicalValue } from "./canonical";

const value: fc.Arbitrary<CanonicalValue> = fc.letrec<{ v: CanonicalValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small" },
    fc.string(),
    fc.maxSafeInteger(),
    fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
    fc.boolean(),
    fc.array(tie("v"), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie("v"), { maxKeys: 4 }),
  ),
})).v;

const shuffleKeys = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(shuffleKeys)
    : typeof v === "object" && v !== null
      ? Object.fromEntries(
          Object.keys(v)
            .reverse()
            .map((k) => [k, shuffleKeys((v as Record<string, unknown>)[k])]),
        )
      : v;

describe("canonical encoding", () => {
  it("is pinned: sorted keys, no spaces, bigint as decimal string", () => {
    expect(canonicalJson({ b: 2n, a: [1, "x", true], c: { z: 0, y: 10n ** 30n } })).toBe(
      '{"a":[1,"x",true],"b":"2","c":{"y":"1000000000000000000000000000000","z":0}}',
    );
    expect(canonicalBytes({ k: "é" })).toEqual(new Uint8Array([123, 34, 107, 34, 58, 34, 0xc3, 0xa9, 34, 125]));
  });

  it("is stable: key order of the input does not matter, and the text parses back to itself", () => {
    fc.assert(
      fc.property(value, (v) => {
        const text = canonicalJson(v);
        expect(canonicalJson(shuffleKeys(v) as CanonicalValue)).toBe(text);
        const parsed = parseCanonicalJson(text);
        expect(parsed).not.toBeUndefined();
        expect(canonicalJson(parsed as CanonicalValue)).toBe(text);
      }),
    );
  });

  it("refuses other encodings of the same value and values without one", () => {
    expect(parseCanonicalJson('{"a":1,"b":2}')).toEqual({ a: 1, b: 2 });
    for (const other of ['{"b":2,"a":1}', '{"a":1, "b":2}', '{"a":1e0,"b":2}', '{"a":"\\u0078"}', "[1.5]", "null"])
      expect(parseCanonicalJson(other)).toBeUndefined();
    expect(() => canonicalJson(1.5)).toThrow(TypeError);
    expect(() => canonicalJson(2 ** 53)).toThrow(TypeError);
    expect(() => canonicalJson(null as unknown as CanonicalValue)).toThrow(TypeError);
  });
});
