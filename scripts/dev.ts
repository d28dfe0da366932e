/**
 * `npm run dev`: the whole stack with nothing configured.
 *   1. a local Hardhat node on 127.0.0.1:CHAIN_PORT (or the one already running there),
 *   2. the contracts and demo tokens deployed (or the recorded deployment reused),
 *   3. the database migrated, bound to this chain (reset if the chain was restarted) and seeded,
 *   4. the app server on PORT (server/main.ts: the API and the services, Next.js in development
 *      mode for the pages; `--prod` serves the production build).
 * Ctrl-C stops everything it started.
 *
 * Flags: --prod  serve the production build (`npm run build` first)
 *        --fresh delete the embedded database and deployment file first (used by the e2e tests)
 */
import nextEnv from "@next/env";
import { rmSync } from "node:fs";
import path from "node:path";
import { env } from "../server/env";
import { appServerNodeOptions, bin, childEnv } from "./stack/bin";
import { startLocalChain } from "./stack/chain";
import { prepareDatabase } from "./stack/database";
import { ensureLocalDeployment } from "./stack/deployment";
import { log } from "./stack/log";
import { startManaged, type Managed } from "./stack/process";

// The same .env files Next.js reads, so the stack and the app agree on every setting.
nextEnv.loadEnvConfig(process.cwd(), true);

const running: Managed[] = [];
let shuttingDown = false;

async function shutdown(code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  if (running.length) log.step("stopping…");
  await Promise.all([...running].reverse().map((p) => p.stop()));
  if (running.length) log.ok("stopped everything this command started");
  process.exit(code);
}

async function main() {
  const args = new Set(process.argv.slice(2));
  const prod = args.has("--prod");
  const e = env();
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  if (args.has("--fresh")) {
    if (e.database.kind === "pglite") rmSync(e.database.dataDir, { recursive: true, force: true });
    rmSync(e.chain.deploymentFile, { force: true });
    log.step("fresh start: removed the embedded database and the deployment file");
  }

  let deployment;
  if (e.chain.addresses) {
    log.step(`chain: using ${e.chain.rpcUrl} and the configured contract addresses`);
    const [{ loadDeployment }, { createChainClient }] = await Promise.all([
      import("../server/chain/deployment"),
      import("../server/chain/client"),
    ]);
    deployment = await loadDeployment(e, createChainClient(e.chain.rpcUrl));
  } else if (!e.chain.isLocal) {
    throw new Error(
      `CHAIN_RPC_URL ${e.chain.rpcUrl} is not local: set CUSTODY_ADDRESS, USDC_ADDRESS, WETH_ADDRESS and WBTC_ADDRESS`,
    );
  } else {
    const chain = await startLocalChain({
      port: new URL(e.chain.rpcUrl).port ? Number(new URL(e.chain.rpcUrl).port) : e.chain.port,
      logDir: path.join(path.dirname(e.chain.deploymentFile), "logs"),
    });
    if (chain.process) {
      running.push(chain.process);
      void chain.process.exited.then((code) => {
        if (!shuttingDown) {
          log.error(`the Hardhat node exited (code ${code}); see .data/logs/chain.log`);
          void shutdown(1);
        }
      });
    }
    deployment = await ensureLocalDeployment({
      client: chain.client,
      rpcUrl: chain.rpcUrl,
      file: e.chain.deploymentFile,
    });
  }

  await prepareDatabase(deployment);

  log.step(`app: starting the server (${prod ? "production build" : "development"}) on http://localhost:${e.port}`);
  const app = startManaged(
    "app",
    bin("tsx"),
    ["server/main.ts", ...(prod ? [] : ["--dev"]), "--port", String(e.port)],
    {
      stdio: "inherit",
      env: childEnv({ NODE_ENV: prod ? "production" : "development", NODE_OPTIONS: appServerNodeOptions() }),
    },
  );
  running.push(app);
  void app.exited.then((code) => {
    if (!shuttingDown) {
      log.error(`the app server exited (code ${code})`);
      void shutdown(code ?? 1);
    }
  });
}

main().catch((e: unknown) => {
  log.error((e as Error).message);
  void shutdown(1);
});
