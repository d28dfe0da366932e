/**
 * The broker node's composition root (the exchange's is server/app-services.ts; this one is
 * smaller): opens the node's own database and migrates it, seeds its markets, starts the engine
 * runtime on it (server/engine: sequencer, journal, idempotency), finishes any B2B change a crash
 * left in the journal only, loads the ledger, credits the accounts, then serves the B2B endpoint,
 * delivers the outbox and (optionally) runs the bot. `stop()` undoes it in reverse.
 *
 *   database ─▶ migrations ─▶ markets ─▶ engine runtime ─▶ recovery ─▶ ledger ─▶ credits
 *            ─▶ publisher, receiver, outbox, streams ─▶ HTTP ─▶ bot
 */
import http from "node:http";
import type { Address } from "viem";
import { openDatabase } from "../db";
import { migrateDeploy } from "../db/migrations";
import { startEngineRuntime } from "../engine/runtime";
import type { BrokerNodeConfig } from "./config";
import type { NodeContext } from "./context";
import { recoverChanges } from "./engine-bridge";
import { b2bListener } from "./http";
import { Ledger, type OrderRow } from "./ledger";
import { SerialLock } from "./lock";
import { creditAccounts, seedNodeMarkets } from "./markets";
import { Outbox } from "./outbox";
import { Publisher } from "./publisher";
import { Receiver } from "./receiver";
import { ensurePeers, loadLedgerState, openHostedOrders } from "./store";
import { startBot } from "./bot";
import { StreamHub } from "./stream";

export interface RunningNode {
  url: string;
  context: NodeContext;
  stop(): Promise<void>;
}

const log = (m: string) => console.log(`[broker-node] ${m}`);

export async function startBrokerNode(
  config: BrokerNodeConfig,
  fatal: (error: unknown) => never,
): Promise<RunningNode> {
  const database = openDatabase(config.database);
  try {
    await migrateDeploy(
      database.pglite
        ? { kind: "pglite-client", client: database.pglite }
        : { kind: "postgres", url: (config.database as { url: string }).url },
    );
    await seedNodeMarkets(database.db, config);
  } catch (error) {
    await database.close();
    throw error;
  }
  const { db } = database;
  const engine = await startEngineRuntime({ db, markSource: null, fundingCheckMs: 0 });
  const recovered = await recoverChanges({ db });
  await ensurePeers(db, config.peers);
  const state = await loadLedgerState(db);
  const hosted = new Map<number, OrderRow>();
  for (const o of await openHostedOrders(db)) if (o.engineOrderId !== null) hosted.set(o.engineOrderId, o);

  let outbox: Outbox | null = null;
  let streams: StreamHub | null = null;
  const context: NodeContext = {
    config,
    db,
    engine,
    ledger: new Ledger(config.address, config.chainId, config.privateKey, config.prices, state),
    lock: new SerialLock(),
    hosted,
    nowMs: () => BigInt(Date.now()),
    wake: (peer: Address) => {
      outbox?.wake(peer);
      streams?.wake(peer);
    },
    fatal,
  };
  await creditAccounts(engine, config);
  const publisher = new Publisher(context);
  const unsubscribe = engine.onCommitted((batch) => context.lock.run(() => publisher.publish(batch)));
  const receiver = new Receiver(context, publisher);
  outbox = new Outbox(db, config.peers, log);
  streams = new StreamHub(context);

  const server = http.createServer(b2bListener(context, receiver, streams));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  outbox.wakeAll();
  const bot = config.bot.enabled ? startBot(context) : null;
  const url = `http://${config.host}:${config.port}`;
  log(
    `${config.nodeId} (${config.address}, signing with ${config.keySource}) on ${url}; ` +
      `database ${database.location}; engine at seq ${engine.status().sequence}; ` +
      `log ${context.ledger.logLength()} entries${recovered ? `, ${recovered} recovered from the journal` : ""}; ` +
      `${config.peers.length} peers; bot ${bot ? "on" : "off"}`,
  );

  return {
    url,
    context,
    async stop() {
      await bot?.stop();
      streams?.stop();
      server.close();
      server.closeAllConnections();
      outbox?.stop();
      await context.lock.idle();
      unsubscribe();
      await engine.stop();
      await database.close();
    },
  };
}
