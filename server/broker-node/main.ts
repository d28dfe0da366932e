/**
 * The broker node: a headless program, one process per venue (docs/BROKER-NODE.md).
 *   npx tsx server/broker-node/main.ts [--port 8900] [--node-id a] [--test-account 6] [--peers 0x…@http://…] [--bot]
 * Settings come from the environment (BROKER_*, DATABASE_URL) and flags (flags win); a bad one
 * stops it with a message naming the setting. SIGTERM / SIGINT stop it cleanly.
 */
import { loadBrokerNodeConfig } from "./config";
import { startBrokerNode } from "./node";

function fatal(error: unknown): never {
  console.error("[broker-node] fatal, exiting (a restart recovers from the database):", error);
  process.exit(1);
}

async function main() {
  let config;
  try {
    // eslint-disable-next-line no-restricted-properties -- this program's one read of its settings; config.ts validates them
    config = loadBrokerNodeConfig(process.env, process.argv.slice(2));
  } catch (error) {
    console.error(`[broker-node] ${(error as Error).message}`);
    process.exit(2);
  }
  const node = await startBrokerNode(config, fatal);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[broker-node] ${signal}: stopping`);
    node
      .stop()
      .catch((error: unknown) => console.error("[broker-node] stopping failed:", error))
      .finally(() => process.exit(0));
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  console.error("[broker-node] failed to start:", error);
  process.exit(1);
});
