import { describe, expect, it } from "vitest";
import { KeyFilter } from "./key-filter";
import { seededRandom } from "./mark-feed";

const ACCOUNTS = [
  "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
  "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  "@system",
];

/** Keys shaped like the runtime's: account NUL key, the key a client's random string (or a sequential one). */
function keys(count: number, seed: number, prefix: string): string[] {
  const next = seededRandom(seed); // deterministic, so the measured rates are the same on every run
  const r = () => next() / 4294967296;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const account = ACCOUNTS[Math.floor(r() * ACCOUNTS.length)]!;
    const key =
      i % 2 === 0
        ? `${prefix}-${Math.floor(r() * 2 ** 52).toString(36)}-${Math.floor(r() * 2 ** 52).toString(36)}`
        : `${prefix}-${i}`;
    out.push(`${account}\u0000${key}`);
  }
  return out;
}

/** the measured rate may exceed the expected one by sampling noise: allow 4 standard deviations */
const withNoise = (rate: number, samples: number) => rate + 4 * Math.sqrt((rate * (1 - rate)) / samples);

describe("KeyFilter", () => {
  it("an empty filter says absent", () => {
    const f = new KeyFilter();
    expect(f.mightContain("0xabc\u0000order-1")).toBe(false);
    expect(f.mightContain("")).toBe(false);
    expect(f.size).toBe(0);
    expect(f.layerCount).toBe(0);
    expect(f.falsePositiveBound()).toBe(0);
  });

  it("has no false negatives over 200,000 keys across several layers, and its false-positive rate on other keys stays within its bound", () => {
    const f = new KeyFilter({ initialCapacity: 16_384 });
    const added = keys(200_000, 1, "order");
    for (const k of added) f.add(k);
    expect(f.size).toBe(200_000);
    expect(f.layerCount).toBeGreaterThanOrEqual(4);
    const layers = f.layerInfo();
    // each layer has twice the previous one's bits and a tighter rate
    for (let i = 1; i < layers.length; i++) {
      expect(layers[i]!.bits).toBe(2 * layers[i - 1]!.bits);
      expect(layers[i]!.rate).toBeLessThan(layers[i - 1]!.rate);
    }
    for (const l of layers.slice(0, -1)) expect(l.count).toBe(l.capacity); // full before the next one starts
    for (const l of layers) expect(l.rate).toBeLessThanOrEqual(0.005);

    const missed = added.filter((k) => !f.mightContain(k));
    expect(missed).toEqual([]);

    const others = keys(200_000, 2, "other");
    const positives = others.filter((k) => f.mightContain(k)).length;
    const bound = f.falsePositiveBound();
    expect(bound).toBeLessThan(0.025); // p0 / (1 - r) whatever the count
    expect(positives / others.length).toBeLessThanOrEqual(withNoise(bound, others.length));
    expect(positives).toBeGreaterThan(0); // it is a Bloom filter, not a set: the measurement measured something
  });

  it("a full layer is a false positive at most at the rate it was sized for", () => {
    const f = new KeyFilter({ initialCapacity: 100_000 });
    const fill = keys(1, 3, "probe");
    f.add(fill[0]!);
    const { capacity, rate } = f.layerInfo()[0]!;
    expect(capacity).toBeGreaterThanOrEqual(100_000);
    for (const k of keys(capacity - 1, 4, "order")) f.add(k);
    expect(f.layerInfo()).toHaveLength(1);
    expect(f.layerInfo()[0]!.count).toBe(capacity);

    const samples = 400_000;
    const others = keys(samples, 5, "other");
    const positives = others.filter((k) => f.mightContain(k)).length;
    expect(positives / samples).toBeLessThanOrEqual(withNoise(rate, samples));
    // the next string starts a second layer; nothing is lost
    f.add("0xabc\u0000next");
    expect(f.layerCount).toBe(2);
    expect(f.mightContain("0xabc\u0000next")).toBe(true);
    expect(f.mightContain(fill[0]!)).toBe(true);
  });

  it("tells apart keys that differ in one character, in the account or only across the separator", () => {
    const f = new KeyFilter({ initialCapacity: 1_000 });
    f.add("0xaaa\u0000order-00000001");
    expect(f.mightContain("0xaaa\u0000order-00000001")).toBe(true);
    const near = [
      "0xaaa\u0000order-00000002",
      "0xaab\u0000order-00000001",
      "0xaaa\u0000order-0000001",
      "0xaa\u0000aorder-00000001",
      "0xaaa\u0000order-00000001 ",
    ];
    expect(near.filter((k) => f.mightContain(k))).toEqual([]);
  });

  it("refuses settings that cannot bound the rate", () => {
    expect(() => new KeyFilter({ falsePositiveRate: 0 })).toThrow(RangeError);
    expect(() => new KeyFilter({ falsePositiveRate: 1 })).toThrow(RangeError);
    expect(() => new KeyFilter({ tightening: 1.5 })).toThrow(RangeError);
    expect(() => new KeyFilter({ initialCapacity: 0 })).toThrow(RangeError);
  });
});
