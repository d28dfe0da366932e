import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { decode, encode } from "./codec";

describe("journal codec", () => {
  it("round-trips plain data with bigints exactly (signs, beyond 2^64, inside arrays and nested objects)", () => {
    const value = {
      type: "fill",
      sizeBase: 10n ** 30n + 7n,
      pnl: -123_456_789_012_345_678_901n,
      levels: [
        [3_000_000n, 0n],
        [1n, -1n],
      ],
      nested: { deep: [{ amount: 5n, note: "5n" }], none: null, flag: true, ratio: 0.25 },
      empty: [],
    };
    const text = encode(value);
    expect(text.startsWith("~")).toBe(true);
    expect(decode(text)).toEqual(value);
    expect(typeof decode<typeof value>(text).sizeBase).toBe("bigint");
  });

  it("keeps strings as strings, including ones that look like a bigint", () => {
    const value = { a: "123", b: "$n", c: { $m: "1" }, d: "~{}" };
    expect(decode(encode(value))).toEqual(value);
  });

  it("still decodes rows written by the previous codec (superjson)", () => {
    const old = { seq: 42n, events: [{ amount: -7n, market: "ETH-PERP" }] };
    expect(decode(superjson.stringify(old))).toEqual(old);
  });

  it("refuses what is not plain data instead of changing it silently", () => {
    expect(() => encode({ at: new Date(0) })).toThrow(/cannot encode Date at "at"/);
    expect(() => encode({ m: new Map([[1, 2]]) })).toThrow(/cannot encode Map at "m"/);
    expect(() => encode([new Set([1])])).toThrow(/cannot encode Set at "0"/);
  });
});
