/**
 * The exchange service in one process: the engine runtime (sequencer + journal), channels
 * (state issuance, co-signatures, withdrawals), the chain watcher feeding custody events to the
 * channels, and the watchtower answering stale challenges. Started once per server process by
 * server/main.ts (after `npm run dev` / `npm start` migrated, bound and seeded the database);
 * stopped in reverse order on shutdown.
 */
import type { Address, Hex } from "viem";
import { chainClient } from "./chain/client";
import { currentDeployment } from "./chain/deployment";
import { startProcessChainWatcher, stopProcessChainWatcher } from "./chain/watcher";
import { startProcessWatchtower, stopProcessWatchtower, type LatestStateSource } from "./chain/watchtower";
import { exchangeWalletClient } from "./chain/watchtower-wallet";
import { attachSessionCache, detachSessionCache } from "./auth/session-cache";
import { closeDb, getDb, getDbHandle, type Db } from "./db";
import { simulatedMarkSource, startEngineRuntime, maybeEngineRuntime } from "./engine/runtime";
import { env } from "./env";
import { channelCustodySink, channels, startChannels, stopChannels } from "./services/channels";
import { stateFromRow } from "./channels/repository";

interface ServicesState {
  started: Promise<void>;
  error: string | null;
}

const g = globalThis as unknown as { __clearlineServices?: ServicesState };

/** The watchtower's view of a channel's states: the latest fully co-signed one, and any by version. */
export function latestCoSignedSource(db: Db): LatestStateSource {
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

async function start(): Promise<void> {
  const e = env();
  const db = getDb();
  try {
    await attachSessionCache(getDbHandle());
  } catch (error) {
    // still correct without it: every request then reads its session from the database
    console.error("[clearline] session cache off: could not LISTEN for session changes:", error);
  }
  const deployment = await currentDeployment();
  const { markFeed } = e.engine;
  const engine = await startEngineRuntime({
    db,
    snapshotEvery: e.engine.snapshotEvery,
    snapshotIntervalMs: e.engine.snapshotIntervalMs,
    markSource: markFeed.kind === "simulated" ? simulatedMarkSource(markFeed) : null,
  });
  await startChannels(engine);
  startProcessChainWatcher({
    db,
    sink: channelCustodySink(),
    client: chainClient(),
    deployment,
    confirmations: e.chain.confirmations,
    pollMs: 1000,
  });
  startProcessWatchtower({
    db,
    client: chainClient(),
    wallet: exchangeWalletClient(deployment),
    deployment,
    states: latestCoSignedSource(db),
    pollMs: 1000,
    concludeAfterSeconds: e.chain.concludeAfterSeconds,
  });
  console.log(
    `[clearline] services: engine at seq ${engine.status().sequence}, channels, chain watcher and watchtower running`,
  );
}

/** Start every service once per process; a failure is logged and reported by servicesError(), not thrown. */
export function startServices(): Promise<void> {
  if (!g.__clearlineServices) {
    const state: ServicesState = { started: Promise.resolve(), error: null };
    state.started = start().catch((error: unknown) => {
      state.error = (error as Error).message;
      console.error("[clearline] services failed to start:", error);
    });
    g.__clearlineServices = state;
  }
  return g.__clearlineServices.started;
}

/** Why the services are not running, or null. */
export function servicesError(): string | null {
  return g.__clearlineServices?.error ?? null;
}

/** Stop in reverse order of start, then close the database. */
export async function stopServices(): Promise<void> {
  await stopProcessWatchtower();
  await stopProcessChainWatcher();
  await stopChannels();
  await maybeEngineRuntime()?.stop();
  await detachSessionCache(getDb());
  await closeDb();
}
