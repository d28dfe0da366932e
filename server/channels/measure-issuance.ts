/**
 * In-process micro-measurement of one state-issuance round (not a test, not a bench row):
 * `npx tsx server/channels/measure-issuance.ts [channels=200] [rounds=30]`. A fresh migrated
 * PGlite in a temp folder, `channels` ACTIVE channels seeded straight into it, then rounds in
 * which every channel's trader (or just one) got a deposit; prints the SQL statements per round
 * (Prisma query events) and the median wall time per round.
 */
import { HARDHAT_TEST_ACCOUNTS } from "../../core/chain/hardhat-test-accounts";
import type { ChannelDomain } from "../../core/channel";
import { createMigratedTestDatabase, TEST_DEPLOYMENT } from "../db/testing";
import { fastStateSigner, fastStateVerifier } from "./crypto";
import { ChannelService } from "./service";
import { demoChannelMarkets, depositBatch, seedActiveChannels, statementCountingClient, SyncEngine } from "./testing";

const channels = Number(process.argv[2] ?? 200);
const rounds = Number(process.argv[3] ?? 30);

const t = await createMigratedTestDatabase("");
const counting = statementCountingClient(t);
try {
  const engine = new SyncEngine();
  const domain: ChannelDomain = { chainId: 31337, verifyingContract: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707" };
  const signer = fastStateSigner(HARDHAT_TEST_ACCOUNTS[1]!.privateKey);
  const usdc = TEST_DEPLOYMENT.tokens.USDC.address as `0x${string}`;
  const service = new ChannelService({
    db: counting.db,
    engine,
    domain,
    signer,
    verifier: fastStateVerifier(),
    assets: Object.values(TEST_DEPLOYMENT.tokens).map((x) => ({
      symbol: x.symbol,
      token: x.address as `0x${string}`,
      decimals: x.decimals,
    })),
    markets: demoChannelMarkets(),
    coverageBps: 20_000n,
    chain: {
      exchangeAvailable: () => Promise.reject(new Error("no chain in this measurement")),
      isContract: () => Promise.resolve(false),
      isValidStateSignature: () => Promise.resolve(false),
      channel: () => Promise.reject(new Error("no chain here")),
    },
  });
  const traders = await seedActiveChannels(counting.db, engine, signer, domain, usdc, channels);
  let seq = 1n;
  const round = async (accounts: string[]) => {
    const batch = depositBatch(engine, accounts, seq);
    seq += BigInt(accounts.length);
    counting.statements.length = 0;
    const started = performance.now();
    await service.onCommitted(batch);
    await service.idle();
    return { ms: performance.now() - started, statements: counting.statements.length };
  };
  await round(traders); // warm-up (and the registry load, where there is one)
  for (const [label, accounts] of [
    ["1 channel", traders.slice(0, 1)],
    [`${channels} channels`, traders],
  ] as const) {
    const times: number[] = [];
    let statements = 0;
    for (let i = 0; i < rounds; i++) {
      const r = await round([...accounts]);
      times.push(r.ms);
      statements = r.statements;
    }
    times.sort((a, b) => a - b);
    console.log(
      `${label}: ${statements} SQL statements per round, median ${times[Math.floor(times.length / 2)]!.toFixed(2)} ms per round (min ${times[0]!.toFixed(2)})`,
    );
  }
} finally {
  await counting.close();
  await t.drop();
}
