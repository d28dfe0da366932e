/**
 * `npm start`: production. Applies pending migrations, checks the database belongs to the
 * configured chain (never resets a non-local chain's data: it refuses to start instead), then
 * serves the production build (`npm run build` first).
 */
import nextEnv from "@next/env";
import { createChainClient } from "../server/chain/client";
import { loadDeployment } from "../server/chain/deployment";
import { env } from "../server/env";
import { appServerNodeOptions, bin, childEnv } from "./stack/bin";
import { prepareDatabase } from "./stack/database";
import { log } from "./stack/log";
import { startManaged } from "./stack/process";

nextEnv.loadEnvConfig(process.cwd(), false);

async function main() {
  const e = env();
  const deployment = await loadDeployment(e, createChainClient(e.chain.rpcUrl));
  await prepareDatabase(deployment, { allowReset: e.chain.isLocal });
  const app = startManaged("app", bin("tsx"), ["server/main.ts", "--port", String(e.port)], {
    stdio: "inherit",
    env: childEnv({ NODE_ENV: "production", NODE_OPTIONS: appServerNodeOptions() }),
  });
  const stop = () => void app.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  process.exit((await app.exited) ?? 1);
}

main().catch((error: unknown) => {
  log.error((error as Error).message);
  process.exit(1);
});
