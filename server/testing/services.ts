/**
 * The whole exchange service for integration tests, wired as server/app-services.ts wires it but on
 * a throwaway database and a test chain (not shipped code): engine runtime (no simulated feed:
 * the test sets prices with overrideMarkPrice, as an admin would), channels, the chain watcher
 * feeding the channels' custody sink, the watchtower; plus the AuthDeps for the real tRPC
 * handler. The result is the procedures' `ctx.services`, as the composition root's would be.
 */
import { createWalletClient, getAddress, http, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Deployment } from "../../contracts/deploy/deployment";
import type { AuthDeps } from "../auth/deps";
import { RateLimiter, rateLimitsFrom } from "../auth/rate-limit";
import { CallMemory } from "../auth/call-memory";
import { latestCoSignedSource, type AppServices, type ChainParts } from "../app-services";
import { channelMarketsOf, channelServiceDeps } from "../channels/deps";
import { listMarkets } from "../services/markets";
import { startChainWatcher, type ChainWatcher } from "../chain/watcher";
import { startWatchtower, type Watchtower } from "../chain/watchtower";
import { createChannelCustodySink } from "../channels/custody-sink";
import { ChannelService } from "../channels/service";
import type { TestChain } from "../channels/testing";
import type { DatabaseHandle, Db } from "../db";
import { bindChain } from "../db/chain-binding";
import { FeedHub } from "../engine/feed-hub";
import { startEngineRuntime, type EngineRuntime } from "../engine/runtime";
import { seedDatabase } from "../../prisma/seed";

export interface TestServicesOptions {
  /** the test database (its `db` is the one every part uses) */
  handle: DatabaseHandle;
  chain: TestChain;
  /** the exchange's key (the deployment's exchange, test account 1) */
  exchangeKey: Hex;
  /** APP_URL of the handler: SIWE domain and the only allowed Origin */
  appUrl: string;
  adminAddress: Address;
  /** watcher and watchtower rounds (default 100 ms) */
  pollMs?: number;
  confirmations?: number;
  coverageBps?: bigint;
}

export interface TestServices extends AppServices {
  readonly chain: ChainParts;
  readonly channels: ChannelService;
  readonly watcher: ChainWatcher;
  readonly watchtower: Watchtower;
  /** stop the chain watcher (its cursor stays where it got to) */
  stopWatcher(): Promise<void>;
  /** a restart of the engine process part: runtime stopped, recovered from snapshot + journal, channels and watcher restarted on it */
  restartEngine(): Promise<void>;
  stop(): Promise<void>;
}

/** Binds and seeds the database for the chain (as `npm run dev` does), then starts the services. */
export async function startTestServices(o: TestServicesOptions): Promise<TestServices> {
  const { chain } = o;
  const db: Db = o.handle.db;
  const deployment: Deployment = chain.deployment;
  await bindChain(db, {
    chainId: BigInt(deployment.chainId),
    genesisHash: deployment.genesisHash,
    custodyAddress: deployment.custody,
    deployBlock: BigInt(deployment.deployBlock),
  });
  await seedDatabase(db, deployment, { adminAddress: o.adminAddress });
  const pollMs = o.pollMs ?? 100;
  const viemChain = {
    id: deployment.chainId,
    name: "local",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [chain.rpcUrl] } },
  };

  const chainParts: ChainParts = {
    client: chain.client,
    deployment,
    wallet: createWalletClient({
      account: privateKeyToAccount(o.exchangeKey),
      chain: viemChain,
      transport: http(chain.rpcUrl),
    }),
    rpcUrl: chain.rpcUrl,
  };
  const startEngine = () =>
    startEngineRuntime({
      db,
      markSource: null,
      fundingCheckMs: 0,
      log: (m, e) => console.error(`[engine] ${m}`, e ?? ""),
    });
  const startChannels = async (engine: EngineRuntime) => {
    const service = new ChannelService(
      channelServiceDeps({
        db,
        engine,
        client: chain.client,
        deployment,
        rpcUrl: chain.rpcUrl,
        exchangeKey: o.exchangeKey,
        markets: channelMarketsOf(await listMarkets(db)),
        coverageBps: o.coverageBps ?? 20_000n,
      }),
    );
    service.start();
    return service;
  };
  const startWatcher = (channels: ChannelService) =>
    startChainWatcher({
      db,
      sink: createChannelCustodySink(channels),
      client: chain.client,
      deployment,
      confirmations: o.confirmations ?? 0,
      pollMs,
      onError: (e) => console.error("[watcher]", e),
    });

  let engine = await startEngine();
  let feeds = new FeedHub(engine);
  let channels = await startChannels(engine);
  let watcher = startWatcher(channels);
  let watcherStopped = false;
  const stopWatcher = async () => {
    if (watcherStopped) return;
    watcherStopped = true;
    await watcher.stop();
  };
  const watchtower = startWatchtower({
    db,
    client: chain.client,
    wallet: chainParts.wallet,
    deployment,
    states: latestCoSignedSource(db, () => channels),
    pollMs,
  });
  const auth: AuthDeps = {
    db,
    appUrl: new URL(o.appUrl),
    chainId: async () => deployment.chainId,
    publicClient: chain.client,
    now: () => new Date(),
    sessionSecret: "service-integration-test-session-secret-0123456789",
    sessionTtlSeconds: 3600,
    siweMaxAgeSeconds: 600,
    maxBodyBytes: 65_536,
    adminAddress: getAddress(o.adminAddress),
    limiter: new RateLimiter(),
    calls: new CallMemory(),
    limits: rateLimitsFrom({ signInPerMinute: 1000, ordersPerSecond: 1000 }),
  };

  const services: TestServices = {
    database: o.handle,
    db,
    auth,
    chain: chainParts,
    markFeed: { kind: "off", intervalMs: 0, driftBps: 0, volatilityBps: 0, seed: 0 },
    get engine() {
      return engine;
    },
    get feeds() {
      return feeds;
    },
    get channels() {
      return channels;
    },
    get watcher() {
      return watcher;
    },
    watchtower,
    stopWatcher,
    async restartEngine() {
      await stopWatcher();
      await channels.idle();
      await channels.stop();
      feeds.stop();
      await engine.stop();
      engine = await startEngine();
      feeds = new FeedHub(engine);
      channels = await startChannels(engine);
      watcher = startWatcher(channels);
      watcherStopped = false;
    },
    async stop() {
      await watchtower.stop();
      await stopWatcher();
      await channels.idle();
      await channels.stop();
      feeds.stop();
      await engine.stop();
    },
  };
  return services;
}
