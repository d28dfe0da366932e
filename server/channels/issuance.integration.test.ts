/**
 * The issuance round's cost and its registry: real PGlite (or PostgreSQL), the real engine, real
 * signatures; channels seeded straight into the database (no chain needed to issue states).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Address } from "viem";
import { HARDHAT_TEST_ACCOUNTS } from "../../core/chain/hardhat-test-accounts";
import { Intent, verifyStateSignature, type ChannelDomain } from "../../core/channel";
import { createMigratedTestDatabase, TEST_DEPLOYMENT, type TestDatabase } from "../db/testing";
import { fastStateSigner, fastStateVerifier } from "./crypto";
import { ChannelService } from "./service";
import { demoChannelMarkets, depositBatch, seedActiveChannels, statementCountingClient, SyncEngine } from "./testing";

const EXCHANGE = HARDHAT_TEST_ACCOUNTS[1]!;
const CHANNELS = 40;
const domain: ChannelDomain = { chainId: 31337, verifyingContract: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707" };
const usdc = TEST_DEPLOYMENT.tokens.USDC.address as Address;

let t: TestDatabase;
let counting: ReturnType<typeof statementCountingClient>;
let engine: SyncEngine;
let service: ChannelService;
let traders: string[];
let seq = 1n;

/** Runs one round in which each of `accounts` got 1 USDC unit; answers the SQL statements it sent. */
async function round(accounts: readonly string[]): Promise<string[]> {
  const batch = depositBatch(engine, accounts, seq);
  seq += BigInt(accounts.length);
  await service.idle();
  counting.statements.length = 0;
  await service.onCommitted(batch);
  await service.idle();
  return [...counting.statements];
}

async function latestVersions(): Promise<Map<string, bigint>> {
  const rows = await t.handle.db.channel.findMany({ select: { trader: true, latestVersion: true } });
  return new Map(rows.map((r) => [r.trader, r.latestVersion]));
}

beforeAll(async () => {
  t = await createMigratedTestDatabase(inject("testDatabaseUrl"));
  counting = statementCountingClient(t);
  engine = new SyncEngine();
  const signer = fastStateSigner(EXCHANGE.privateKey);
  service = new ChannelService({
    db: counting.db,
    engine,
    domain,
    signer,
    verifier: fastStateVerifier(),
    assets: Object.values(TEST_DEPLOYMENT.tokens).map((x) => ({
      symbol: x.symbol,
      token: x.address as Address,
      decimals: x.decimals,
    })),
    markets: demoChannelMarkets(),
    coverageBps: 20_000n,
    chain: {
      exchangeAvailable: () => Promise.reject(new Error("no chain in this test")),
      isContract: () => Promise.resolve(false),
      isValidStateSignature: () => Promise.resolve(false),
      channel: () => Promise.reject(new Error("no chain here")),
    },
    clock: () => 1_800_000_000_000,
  });
  traders = await seedActiveChannels(t.handle.db, engine, signer, domain, usdc, CHANNELS);
});

afterAll(async () => {
  await counting?.close();
  await t?.drop();
});

describe("state issuance round", () => {
  it("costs the same for one channel as for forty: ONE statement that moves every latestVersion and inserts every state", async () => {
    await round(traders.slice(0, 1)); // the first round also loads the registry of ACTIVE channels
    const one = await round(traders.slice(0, 1));
    const all = await round(traders);
    expect(all.length).toBe(one.length);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatch(/^WITH moved AS \(\s*UPDATE "Channel"[\s\S]*INSERT INTO "ChannelState"/);
    // nothing read per round: channels and latest states come from memory
    expect(all.filter((q) => /^\s*SELECT/i.test(q))).toEqual([]);

    const versions = await latestVersions();
    expect(versions.get(traders[0]!)).toBe(3n);
    for (const trader of traders.slice(1)) expect(versions.get(trader)).toBe(1n);
  });

  it("stores exactly what was signed: conserved allocations equal to the engine's equity, exchange signature valid, app data round-trips", async () => {
    const trader = traders[5]!;
    const channel = await t.handle.db.channel.findFirstOrThrow({ where: { trader } });
    const { latest } = await service.latestState(trader as Address);
    expect(latest.state.version).toBe(channel.latestVersion);
    expect(latest.state.intent).toBe(Intent.OPERATE);
    const [a] = latest.state.allocations;
    expect(a!.token).toBe(usdc.toLowerCase());
    expect(a!.traderAmount).toBe(engine.read((ex) => ex.balance(trader, "USDC").available));
    expect(a!.traderAmount + a!.exchangeAmount).toBe(3_000_000_000n);
    expect(verifyStateSignature(domain, latest.state, latest.exchangeSignature, EXCHANGE.address)).toBe(true);
    expect(latest.appData.journalSeq).toBeGreaterThan(0n);
    expect(latest.traderSignature).toBeNull();
  });

  it("a channel changed behind the service's back (its version moved): the round is refused whole, the registry reloaded, and the round built again on the new version", async () => {
    const trader = traders[7]!;
    const channel = await t.handle.db.channel.findFirstOrThrow({ where: { trader } });
    const state = await t.handle.db.channelState.findUniqueOrThrow({
      where: { channelId_version: { channelId: channel.id, version: channel.latestVersion } },
    });
    // another writer (here: by hand) stores version N+1 and moves latestVersion
    await t.handle.db.$transaction([
      t.handle.db.channelState.create({
        data: { ...state, version: channel.latestVersion + 1n, appData: state.appData ?? {}, createdAt: undefined },
      }),
      t.handle.db.channel.update({ where: { id: channel.id }, data: { latestVersion: channel.latestVersion + 1n } }),
    ]);
    const before = await latestVersions();
    await round(traders);
    const after = await latestVersions();
    for (const tr of traders) expect(after.get(tr)).toBe(before.get(tr)! + 1n);
    expect(after.get(trader)).toBe(channel.latestVersion + 2n);
  });

  it("follows the writes it is told about: a channel no longer ACTIVE gets no state, and gets them again once ACTIVE", async () => {
    const trader = traders[9]!;
    const channel = await t.handle.db.channel.findFirstOrThrow({ where: { trader } });
    await t.handle.db.channel.update({ where: { id: channel.id }, data: { status: "CHALLENGED" } });
    await service.channelChanged(channel.id); // what the custody sink does after every event it records
    await round([trader]);
    expect((await latestVersions()).get(trader)).toBe(channel.latestVersion);
    await t.handle.db.channel.update({ where: { id: channel.id }, data: { status: "ACTIVE" } });
    await service.channelChanged(channel.id);
    await round([trader]);
    expect((await latestVersions()).get(trader)).toBe(channel.latestVersion + 1n);
  });

  it("paced rounds (issuanceIntervalMs): batches committed within the interval go into the next round, one state per channel for all of them", async () => {
    const paced = new ChannelService({ ...service.deps, db: t.handle.db, issuanceIntervalMs: 300 });
    const [a, b] = [traders[0]!, traders[1]!];
    const start = await latestVersions();
    const batch = (accounts: string[]) => {
      const x = depositBatch(engine, accounts, seq);
      seq += BigInt(accounts.length);
      return x;
    };
    await paced.onCommitted(batch([a])); // starts at once: nothing ran before
    await new Promise((r) => setTimeout(r, 20));
    await paced.onCommitted(batch([a])); // waits for the interval...
    await paced.onCommitted(batch([b])); // ...and these join it
    await paced.onCommitted(batch([a, b]));
    const begun = performance.now();
    await paced.idle();
    expect(performance.now() - begun).toBeGreaterThan(200);
    const end = await latestVersions();
    expect(end.get(a)! - start.get(a)!).toBe(2n); // round 1, then one round for three batches
    expect(end.get(b)! - start.get(b)!).toBe(1n);
    const { latest } = await paced.latestState(a as Address);
    expect(latest.state.allocations[0]!.traderAmount).toBe(engine.exchange.risk(a, "USDC").equityQuote); // the newest view
  });
});
