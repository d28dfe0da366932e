import { describe, expect, it } from "vitest";
import { BatchLoader } from "./batch-loader";

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("BatchLoader", () => {
  it("one query per event-loop turn, coalesces lookups that arrive while a query runs, answers each caller with its own row", async () => {
    const calls: string[][] = [];
    const gates: { resolve: () => void }[] = [];
    const loader = new BatchLoader<string, { k: string; v: number }>(
      async (keys) => {
        calls.push(keys);
        const gate = deferred<void>();
        gates.push(gate);
        await gate.promise;
        return keys.filter((k) => k !== "missing").map((k) => ({ k, v: k.length }));
      },
      (k) => k,
      (r) => r.k,
    );
    const first = loader.load("a");
    const sameTurn = loader.load("a2");
    await Promise.resolve();
    expect(calls).toEqual([]); // the query starts after this turn of the event loop
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([["a", "a2"]]);
    const later = [loader.load("bb"), loader.load("missing"), loader.load("bb"), loader.load("ccc")];
    expect(calls).toHaveLength(1);
    gates[0]!.resolve();
    expect(await first).toEqual({ k: "a", v: 1 });
    expect(await sameTurn).toEqual({ k: "a2", v: 2 });
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toEqual([
      ["a", "a2"],
      ["bb", "missing", "ccc"],
    ]); // one query, distinct keys
    gates[1]!.resolve();
    expect(await Promise.all(later)).toEqual([{ k: "bb", v: 2 }, null, { k: "bb", v: 2 }, { k: "ccc", v: 3 }]);
  });

  it("a failed query rejects its own batch only; the next batch runs", async () => {
    let n = 0;
    const loader = new BatchLoader<string, string>(
      async (keys) => {
        if (n++ === 0) throw new Error("boom");
        return keys;
      },
      (k) => k,
      (r) => r,
    );
    const a = loader.load("x");
    const b = loader.load("y"); // the same turn: the same (failing) query
    await expect(a).rejects.toThrow("boom");
    await expect(b).rejects.toThrow("boom");
    expect(await loader.load("z")).toBe("z");
  });
});
