/** Background work goes through the sequencer: mark prices from a source, admin overrides, funding at interval boundaries. */
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { createMigratedTestDatabase, type TestDatabase } from "../db/testing";
import { decode } from "./codec";
import type { MarkPriceSource } from "./mark-feed";
import { simulatedMarkSource } from "./runtime";
import { seedMarkets, startQuietRuntime } from "./testing";

const serverUrl = inject("testDatabaseUrl");
let t: TestDatabase;
beforeAll(async () => {
  t = await createMigratedTestDatabase(serverUrl);
  await seedMarkets(t.handle.db);
});
afterAll(async () => t?.drop());

const HOUR = 3_600_000;
const waitFor = async (cond: () => boolean | Promise<boolean>, ms = 3_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe(`engine background work (${serverUrl ? "PostgreSQL server" : "PGlite"})`, () => {
  it("journals source prices and admin overrides as markPrice commands, and pays funding once per interval boundary with the boundary's time", async () => {
    let now = 10 * HOUR + 123; // the fake clock
    let emit: ((m: string, p: bigint) => void) | null = null;
    const resets: [string, bigint][] = [];
    const source: MarkPriceSource = {
      start(e) {
        emit = e;
        return () => (emit = null);
      },
      reset: (m, p) => resets.push([m, p]),
    };
    const rt = await startQuietRuntime(t.handle.db, { clock: () => now, markSource: source, fundingCheckMs: 10 });
    try {
      emit!("ETH-PERP", 3_000_000_000n); // 3000 USDC per ETH = 3_000_000 per lot of 0.001 ETH
      await waitFor(() => rt.read((ex) => ex.prices("ETH-PERP").indexPerLot) === 3_000_000n);
      await rt.overrideMarkPrice("ETH-PERP", 2_900_000_000n, "fat finger on the index");
      expect(resets).toEqual([["ETH-PERP", 2_900_000_000n]]);
      expect(rt.read((ex) => ex.prices("ETH-PERP").indexPerLot)).toBe(2_900_000n);
      const metas = (
        await t.handle.db.journalEntry.findMany({ where: { meta: { not: null } }, orderBy: { seq: "asc" } })
      ).map((r) => decode<Record<string, string>>(r.meta!));
      expect(metas).toEqual([{ source: "feed" }, { source: "admin", reason: "fat finger on the index" }]);

      // no funding before the next boundary; exactly one at it (and none twice)
      await new Promise((r) => setTimeout(r, 60));
      const fundingRows = () => t.handle.db.journalEntry.findMany({ where: { command: { contains: "fundingTick" } } });
      expect(await fundingRows()).toHaveLength(0);
      now = 11 * HOUR + 5;
      await waitFor(async () => (await fundingRows()).length >= 1); // BTC-PERP has no mark yet: no funding there
      await new Promise((r) => setTimeout(r, 60));
      const rows = await fundingRows();
      expect(rows.map((r) => decode<{ market: string; timeMs: number }>(r.command))).toEqual([
        { type: "fundingTick", market: "ETH-PERP", timeMs: 11 * HOUR },
      ]);
    } finally {
      await rt.stop();
    }
  });

  it("the simulated source starts every perpetual from the engine's last index, or the demo default", () => {
    const make = simulatedMarkSource({ intervalMs: 1_000, driftBps: 0, volatilityBps: 5, seed: 1 });
    const markets = [
      {
        symbol: "ETH-PERP",
        kind: "PERP",
        base: { symbol: "WETH", decimals: 18 },
        quote: { symbol: "USDC", decimals: 6 },
        tickSize: 10_000n,
      },
      {
        symbol: "BTC-PERP",
        kind: "PERP",
        base: { symbol: "WBTC", decimals: 8 },
        quote: { symbol: "USDC", decimals: 6 },
        tickSize: 100_000n,
      },
      {
        symbol: "WETH-USDC",
        kind: "SPOT",
        base: { symbol: "WETH", decimals: 18 },
        quote: { symbol: "USDC", decimals: 6 },
        tickSize: 10_000n,
      },
    ] as never;
    const src = make(markets, new Map([["ETH-PERP", 2_500_000_000n]])) as unknown as { prices(): Map<string, bigint> };
    expect(src.prices()).toEqual(
      new Map([
        ["ETH-PERP", 2_500_000_000n],
        ["BTC-PERP", 60_000_000_000n],
      ]),
    );
  });
});
