/**
 * The composition root: builds the server's parts once, in dependency order, and stops them in
 * reverse. Procedures receive them through the tRPC context (`ctx.services`), the HTTP entry
 * through its options, and integration tests build the same object over a throwaway database and
 * chain (server/testing/services.ts). Nothing below this file looks a part up by itself.
 *
 * The shape of the parts (`AppServices`) is declared where they are used, in server/api/services.ts.
 *
 *   database ─▶ chain client + deployment ─▶ engine runtime ─▶ feeds, channels
 *            ─▶ chain watcher (custody events → channels) ─▶ watchtower (answers stale challenges)
 */
import type { Address, Hex } from "viem";
import type { AppServices, ChainParts } from "./api/services";
import { authDepsFrom } from "./auth/deps";
import { attachSessionCache, detachSessionCache } from "./auth/session-cache";
import { createChainClient } from "./chain/client";
import { loadDeployment } from "./chain/deployment";
import { startChainWatcher } from "./chain/watcher";
import { startWatchtower, type LatestStateSource } from "./chain/watchtower";
import { exchangeWalletClient } from "./chain/watchtower-wallet";
import { createChannelCustodySink } from "./channels/custody-sink";
import { channelMarketsOf, channelServiceDeps } from "./channels/deps";
import { stateFromRow } from "./channels/repository";
import { ChannelService } from "./channels/service";
import type { DatabaseHandle, Db } from "./db";
import { FeedHub } from "./engine/feed-hub";
import { simulatedMarkSource, startEngineRuntime } from "./engine/runtime";
import type { Env } from "./env";
import { listMarkets } from "./services/markets";

export type { AppServices, ChainParts };

/** The watchtower's view of a channel's states: the latest fully co-signed one, and any by version. */
export function latestCoSignedSource(db: Db, channels: () => ChannelService): LatestStateSource {
  return {
    async latestCoSigned(channelId: Hex) {
      const row = await db.channel.findUnique({ where: { id: channelId.toLowerCase() }, select: { trader: true } });
      if (!row) return null;
      const { coSigned } = await channels().latestState(row.trader as Hex, channelId);
      if (!coSigned?.traderSignature) return null;
      return {
        state: coSigned.state,
        sigs: { trader: coSigned.traderSignature, exchange: coSigned.exchangeSignature },
      };
    },
    async stateAt(channelId: Hex, version: bigint) {
      const id = channelId.toLowerCase();
      const channel = await db.channel.findUnique({ where: { id }, select: { trader: true } });
      const row =
        channel && (await db.channelState.findUnique({ where: { channelId_version: { channelId: id, version } } }));
      return row ? stateFromRow(row, channel!.trader as Address).state : null;
    },
  };
}

/** The running server: its parts and how to stop them. */
export interface RunningServices extends AppServices {
  /** stop in reverse order of start, then close the database */
  stop(): Promise<void>;
}

/** Build and start every part from the configuration over an open database (server/main.ts). */
export async function buildAppServices(e: Env, database: DatabaseHandle): Promise<RunningServices> {
  const { db } = database;
  try {
    await attachSessionCache(database);
  } catch (error) {
    // still correct without it: every request then reads its session from the database
    console.error("[clearline] session cache off: could not LISTEN for session changes:", error);
  }
  const client = createChainClient(e.chain.rpcUrl);
  const deployment = await loadDeployment(e, client);
  const chain: ChainParts = {
    client,
    deployment,
    wallet: exchangeWalletClient(deployment, e.chain.rpcUrl, e.exchangePrivateKey),
    rpcUrl: e.chain.rpcUrl,
  };
  const { markFeed } = e.engine;
  const engine = await startEngineRuntime({
    db,
    snapshotEvery: e.engine.snapshotEvery,
    snapshotIntervalMs: e.engine.snapshotIntervalMs,
    markSource: markFeed.kind === "simulated" ? simulatedMarkSource(markFeed) : null,
  });
  const feeds = new FeedHub(engine);
  const channels = new ChannelService(
    channelServiceDeps({
      db,
      engine,
      client,
      deployment,
      rpcUrl: e.chain.rpcUrl,
      exchangeKey: e.exchangePrivateKey,
      markets: channelMarketsOf(await listMarkets(db)),
      coverageBps: e.channelCoverageBps,
      issuanceIntervalMs: e.channelIssuanceIntervalMs,
      openingPolicy: e.channelOpeningPolicy,
    }),
  );
  channels.start();
  const watcher = startChainWatcher({
    db,
    sink: createChannelCustodySink(channels),
    client,
    deployment,
    confirmations: e.chain.confirmations,
    pollMs: 1000,
  });
  const watchtower = startWatchtower({
    db,
    client,
    wallet: chain.wallet,
    deployment,
    states: latestCoSignedSource(db, () => channels),
    pollMs: 1000,
    concludeAfterSeconds: e.chain.concludeAfterSeconds,
  });
  const auth = authDepsFrom(e, { db, chainId: deployment.chainId, publicClient: client });
  console.log(
    `[clearline] services: engine at seq ${engine.status().sequence}, channels, chain watcher and watchtower running`,
  );
  return {
    database,
    db,
    auth,
    chain,
    engine,
    feeds,
    channels,
    watcher,
    watchtower,
    markFeed,
    async stop() {
      await watchtower.stop();
      await watcher.stop();
      await channels.stop();
      feeds.stop();
      await engine.stop();
      await detachSessionCache(db);
      await database.close();
    },
  };
}
