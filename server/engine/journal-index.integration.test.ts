/**
 * The journal_index migration moves every stored event into its entry, and builds JournalIndex and
 * Trade rows from the old per-event table; read_model_fees adds the fills' fees to Trade and
 * indexes reserved accounts per asset from the stored events. A database written by the previous
 * code reads the same through the new read models as one written by the new code.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import superjson from "superjson";
import { afterEach, describe, expect, inject, it } from "vitest";
import type { Command, EngineEvent } from "../../core/engine";
import { Exchange } from "../../core/engine/exchange";
import { ETH_PERP, WETH_USDC } from "../../core/engine/fixtures";
import { FEE_ACCOUNT, INSURANCE_ACCOUNT } from "../../core/engine/state";
import { defaultPaths, migrateDeploy, type MigrationPaths } from "../db/migrations";
import { createTestDatabase, type TestDatabase } from "../db/testing";
import { encode } from "./codec";
import { eventColumns } from "./event-columns";
import { encodeBatch, writeBatch } from "./journal-store";
import { decodeEvents } from "./journal-read";

const serverUrl = inject("testDatabaseUrl");
/** journal_index and every migration after it */
const FIRST = "20261121175300_journal_index";
const isNew = (name: string) => /^\d{14}_/.test(name) && name >= FIRST;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const LOT = 10n ** 15n;
const USDC = (n: number) => BigInt(Math.round(n * 1e6));
const px = (usdPerEth: number) => BigInt(Math.round(usdPerEth * 1000));

/** Commands whose events cover every kind of subject: trades, fees, funding, a liquidation with ADL. */
function scenario(): { command: Command; events: EngineEvent[] }[] {
  const ex = Exchange.create([]);
  const out: { command: Command; events: EngineEvent[] }[] = [];
  const run = (command: Command) => out.push({ command, events: ex.apply(command) });
  run({ type: "addMarket", config: WETH_USDC });
  run({ type: "addMarket", config: ETH_PERP });
  for (const [who, usdc] of [
    ["carol", 5],
    ["dave", 1000],
    ["alice", 1000],
  ] as const)
    run({ type: "deposit", account: who, asset: "USDC", amount: USDC(usdc) });
  run({ type: "deposit", account: "alice", asset: "WETH", amount: 10n ** 18n });
  run({ type: "deposit", account: INSURANCE_ACCOUNT, asset: "USDC", amount: USDC(1) });
  run({ type: "markPrice", market: "ETH-PERP", indexPerLot: px(3000) });
  run({
    type: "place",
    account: "alice",
    market: "WETH-USDC",
    side: "sell",
    kind: "limit",
    sizeBase: 5n * LOT,
    pricePerLot: px(3000),
  });
  run({
    type: "place",
    account: "dave",
    market: "WETH-USDC",
    side: "buy",
    kind: "limit",
    sizeBase: 2n * LOT,
    pricePerLot: px(3000),
    tif: "IOC",
  });
  run({
    type: "place",
    account: "dave",
    market: "ETH-PERP",
    side: "sell",
    kind: "limit",
    sizeBase: 10n * LOT,
    pricePerLot: px(3000),
  });
  run({
    type: "place",
    account: "carol",
    market: "ETH-PERP",
    side: "buy",
    kind: "limit",
    sizeBase: 10n * LOT,
    pricePerLot: px(3000),
    tif: "IOC",
  });
  run({
    type: "place",
    account: "carol",
    market: "ETH-PERP",
    side: "buy",
    kind: "limit",
    sizeBase: 100n * LOT,
    pricePerLot: px(3000),
  }); // rejected
  run({ type: "markPrice", market: "ETH-PERP", indexPerLot: px(2400) }); // liquidation, insurance, ADL
  return out;
}

/** A scratch prisma/ with the migrations before journal_index (`addNew` adds the others back). */
async function scratch(): Promise<{ paths: MigrationPaths; addNew: () => Promise<string[]> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "clearline-journal-index-"));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  const real = defaultPaths();
  const paths = { migrationsDir: path.join(dir, "migrations"), schemaPath: path.join(dir, "schema.prisma") };
  await fs.cp(real.migrationsDir, paths.migrationsDir, {
    recursive: true,
    filter: (src) => !isNew(path.basename(src)),
  });
  await fs.copyFile(real.schemaPath, paths.schemaPath);
  const newer = (await fs.readdir(real.migrationsDir)).filter(isNew).sort();
  const addNew = async () => {
    for (const m of newer)
      await fs.cp(path.join(real.migrationsDir, m), path.join(paths.migrationsDir, m), { recursive: true });
    return newer;
  };
  return { paths, addNew };
}

async function database(): Promise<TestDatabase> {
  const t = await createTestDatabase(serverUrl);
  cleanups.push(() => t.drop());
  return t;
}

/** The rows of the three read-model tables, comparable across databases. */
async function readModel(t: TestDatabase) {
  const db = t.handle.db;
  const entries = await db.journalEntry.findMany({ orderBy: { seq: "asc" }, select: { seq: true, events: true } });
  // sorted here, not by the database's collation (a server's may differ from PGlite's)
  const index = (await db.journalIndex.findMany()).sort((a, b) =>
    a.seq === b.seq ? (a.subject < b.subject ? -1 : 1) : a.seq < b.seq ? -1 : 1,
  );
  const trades = await db.trade.findMany({ orderBy: [{ seq: "asc" }, { idx: "asc" }] });
  return {
    events: entries.map((e) => ({ seq: e.seq, events: decodeEvents(e.events) })),
    index: index.map((r) => ({ ...r })),
    trades: trades.map((r) => ({
      ...r,
      pricePerLot: r.pricePerLot.toFixed(),
      sizeBase: r.sizeBase.toFixed(),
      makerFeeQuote: r.makerFeeQuote.toFixed(),
      takerFeeQuote: r.takerFeeQuote.toFixed(),
    })),
  };
}

describe(`the journal_index and read_model_fees migrations (${serverUrl ? "PostgreSQL server" : "PGlite"})`, () => {
  it("turns the old per-event rows into the same entries, index rows and trades the new writer makes", async () => {
    const steps = scenario();
    const types = new Set(steps.flatMap((s) => s.events.map((e) => e.type)));
    for (const t of [
      "marketAdded",
      "balance",
      "fill",
      "markPrice",
      "rejected",
      "liquidationStarted",
      "adl",
      "insurance",
      "liquidationFinished",
      "position",
    ])
      expect(types).toContain(t);

    // the old schema, written as the previous writer did: one JournalEvent row per event
    const old = await database();
    const { paths, addNew } = await scratch();
    await migrateDeploy(old.target, paths);
    const timeMs = 1_700_000_000_000n;
    for (const [n, step] of steps.entries()) {
      const seq = BigInt(n + 1);
      await old.handle.db.$executeRawUnsafe(
        `INSERT INTO "JournalEntry" ("seq", "command", "timeMs") VALUES ($1::bigint, $2, $3::bigint)`,
        seq.toString(),
        encode(step.command),
        (timeMs + seq).toString(),
      );
      for (const [idx, e] of step.events.entries()) {
        const c = eventColumns(e);
        // some entries as old rows were written before the codec (superjson text): a deposit, the
        // insurance fund's deposit (a reserved account) and the perpetual fill
        const data = [3, 6, 11].includes(n) ? superjson.stringify(e) : encode(e);
        await old.handle.db.$executeRawUnsafe(
          `INSERT INTO "JournalEvent" ("seq", "idx", "type", "market", "account", "counterparty", "pricePerLot", "sizeBase", "timeMs", "data")
           VALUES ($1::bigint, $2, $3, $4, $5, $6, $7::numeric, $8::numeric, $9::bigint, $10)`,
          seq.toString(),
          idx,
          e.type,
          c.market,
          c.account,
          c.counterparty,
          c.pricePerLot?.toString() ?? null,
          c.sizeBase?.toString() ?? null,
          (timeMs + seq).toString(),
          data,
        );
      }
    }
    const newer = await addNew();
    expect(newer).toEqual(expect.arrayContaining([FIRST, "20261121184754_read_model_fees"]));
    expect((await migrateDeploy(old.target, paths)).applied).toEqual(newer);

    // the same commands written by the new writer
    const fresh = await database();
    await migrateDeploy(fresh.target);
    await writeBatch(
      fresh.handle.db,
      encodeBatch(
        steps.map((s, n) => ({
          seq: BigInt(n + 1),
          command: s.command,
          events: s.events,
          timeMs: Number(timeMs) + n + 1,
          meta: null,
          idempotency: null,
        })),
      ),
    );

    const migrated = await readModel(old);
    expect(migrated).toEqual(await readModel(fresh));
    expect(migrated.events.map((e) => e.events)).toEqual(steps.map((s) => s.events));
    const fills = steps.flatMap((s, n) =>
      s.events.flatMap((e, idx) => (e.type === "fill" ? [{ market: e.market, seq: BigInt(n + 1), idx }] : [])),
    );
    expect(fills.length).toBeGreaterThanOrEqual(2);
    expect(migrated.trades.map(({ market, seq, idx }) => ({ market, seq, idx }))).toEqual(fills);
    // the first crossing order (dave's IOC on the spot market) concerns its taker, its maker and the fee account (per asset)
    const crossing = fills[0]!.seq;
    expect(
      migrated.index
        .filter((r) => r.seq === crossing)
        .map((r) => r.subject)
        .sort(),
    ).toEqual([`${FEE_ACCOUNT}/USDC`, "alice", "dave"].sort());
    expect(migrated.index.some((r) => r.subject === `${INSURANCE_ACCOUNT}/USDC`)).toBe(true);
    const fill = steps[Number(crossing) - 1]!.events.find((e) => e.type === "fill")!;
    expect(fill.type === "fill" && migrated.trades[0]).toMatchObject({
      makerFeeQuote: fill.makerFeeQuote.toString(),
      takerFeeQuote: fill.takerFeeQuote.toString(),
      liquidation: false,
    });
    // the perpetual fill was stored as superjson text: its fees came from there
    const perp = steps[11]!.events.find((e) => e.type === "fill")!;
    expect(perp.type === "fill" && migrated.trades.find((t) => t.seq === 12n)).toMatchObject({
      market: "ETH-PERP",
      makerFeeQuote: perp.makerFeeQuote.toString(),
      takerFeeQuote: perp.takerFeeQuote.toString(),
    });
    // codec-written entries are stored in the writer's own format (not only decoded alike)
    const texts = await old.handle.db.journalEntry.findMany({
      where: { seq: { in: [1n, crossing] } },
      orderBy: { seq: "asc" },
      select: { events: true },
    });
    expect(texts.map((r) => r.events)).toEqual([encode(steps[0]!.events), encode(steps[Number(crossing) - 1]!.events)]);
  });
});
