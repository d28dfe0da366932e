/**
 * The whole exchange service for integration tests, wired as server/runtime.ts wires it but on
 * a throwaway database and a test chain (not shipped code): engine runtime (no simulated feed:
 * the test sets prices with overrideMarkPrice, as an admin would), channels, the chain watcher
 * feeding the channels' custody sink, the watchtower; plus the AuthDeps for the real tRPC
 * handler. Everything registers as the process singletons the procedures use.
 */
import { createWalletClient, getAddress, http, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Deployment } from "../../contracts/deploy/deployment";
import type { AuthDeps } from "../auth/deps";
import { RateLimiter, rateLimitsFrom } from "../auth/rate-limit";
import { startProcessChainWatcher, stopProcessChainWatcher, type ChainWatcher } from "../chain/watcher";
import { startProcessWatchtower, stopProcessWatchtower, type Watchtower } from "../chain/watchtower";
import { custodyChannelChain } from "../channels/chain";
import { fastStateSigner, fastStateVerifier } from "../channels/crypto";
import type { ChannelService, ChannelServiceDeps } from "../channels/service";
import { createSubmitter } from "../channels/submitter";
import type { TestChain } from "../channels/testing";
import type { Db } from "../db";
import { bindChain } from "../db/chain-binding";
import { startEngineRuntime, type EngineRuntime } from "../engine/runtime";
import { latestCoSignedSource } from "../runtime";
import { channelCustodySink, startChannels, stopChannels } from "../services/channels";
import { listMarkets } from "../services/markets";
import { seedDatabase } from "../../prisma/seed";

export interface TestServicesOptions {
  db: Db;
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

export interface TestServices {
  engine: EngineRuntime;
  channels: ChannelService;
  watcher: ChainWatcher;
  watchtower: Watchtower;
  authDeps: AuthDeps;
  /** stop the chain watcher (its cursor stays where it got to) */
  stopWatcher(): Promise<void>;
  /** a restart of the engine process part: runtime stopped, recovered from snapshot + journal, channels and watcher restarted on it */
  restartEngine(): Promise<void>;
  stop(): Promise<void>;
}

/** Binds and seeds the database for the chain (as `npm run dev` does), then starts the services. */
export async function startTestServices(o: TestServicesOptions): Promise<TestServices> {
  const { db, chain } = o;
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

  const startEngine = () =>
    startEngineRuntime({
      db,
      markSource: null,
      fundingCheckMs: 0,
      log: (m, e) => console.error(`[engine] ${m}`, e ?? ""),
    });
  const channelDeps = async (engine: EngineRuntime): Promise<ChannelServiceDeps> => ({
    db,
    engine,
    domain: { chainId: deployment.chainId, verifyingContract: deployment.custody },
    signer: fastStateSigner(o.exchangeKey),
    verifier: fastStateVerifier(),
    assets: Object.values(deployment.tokens).map((t) => ({
      symbol: t.symbol,
      token: t.address.toLowerCase() as Address,
      decimals: t.decimals,
    })),
    markets: (await listMarkets(db)).map((m) => ({
      symbol: m.symbol,
      kind: m.kind === "PERP" ? "perp" : "spot",
      quote: m.quote.symbol,
      baseDecimals: m.base.decimals,
      quoteDecimals: m.quote.decimals,
      lotSizeBase: m.lotSize,
    })),
    coverageBps: o.coverageBps ?? 20_000n,
    chain: custodyChannelChain(chain.client, deployment.custody),
    submitter: createSubmitter({
      rpcUrl: chain.rpcUrl,
      chainId: deployment.chainId,
      custody: deployment.custody,
      privateKey: o.exchangeKey,
    }),
  });
  const startWatcher = () =>
    startProcessChainWatcher({
      db,
      sink: channelCustodySink(),
      client: chain.client,
      deployment,
      confirmations: o.confirmations ?? 0,
      pollMs,
      onError: (e) => console.error("[watcher]", e),
    });

  let engine = await startEngine();
  let channels = await startChannels(engine, await channelDeps(engine));
  let watcher = startWatcher();
  const watchtower = startProcessWatchtower({
    db,
    client: chain.client,
    wallet: createWalletClient({
      account: privateKeyToAccount(o.exchangeKey),
      chain: viemChain,
      transport: http(chain.rpcUrl),
    }),
    deployment,
    states: latestCoSignedSource(db),
    pollMs,
  });

  const services: TestServices = {
    get engine() {
      return engine;
    },
    get channels() {
      return channels;
    },
    get watcher() {
      return watcher;
    },
    watchtower,
    authDeps: {
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
      limits: rateLimitsFrom({ signInPerMinute: 1000, ordersPerSecond: 1000 }),
    },
    stopWatcher: () => stopProcessChainWatcher(),
    async restartEngine() {
      await stopProcessChainWatcher();
      await channels.idle();
      await stopChannels();
      await engine.stop();
      engine = await startEngine();
      channels = await startChannels(engine, await channelDeps(engine));
      watcher = startWatcher();
    },
    async stop() {
      await stopProcessWatchtower();
      await stopProcessChainWatcher();
      await channels.idle();
      await stopChannels();
      await engine.stop();
    },
  };
  return services;
}
