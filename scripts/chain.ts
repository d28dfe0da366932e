/**
 * `npm run chain`: a local Hardhat node on CHAIN_PORT that outlives `npm run dev`, so the chain
 * and the database stay together across restarts of the app. Ctrl-C stops it.
 */
import path from "node:path";
import { env } from "../server/env";
import { startLocalChain } from "./stack/chain";
import { log } from "./stack/log";

const e = env();
const chain = await startLocalChain({
  port: e.chain.port,
  logDir: path.join(path.dirname(e.chain.deploymentFile), "logs"),
});
if (!chain.process) {
  log.warn("a node is already running on that port; nothing to do");
  process.exit(0);
}
log.ok("leave this running; `npm run dev` in another terminal will use it");
const stop = () => void chain.process!.stop().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
await chain.process.exited;
