/** The local Hardhat chain: reuse one already answering on the port, or start `hardhat node`. */
import { mkdirSync, openSync } from "node:fs";
import path from "node:path";
import { createPublicClient, http, type PublicClient } from "viem";
import { bin, childEnv } from "./bin";
import { log } from "./log";
import { startManaged, waitFor, type Managed } from "./process";

export interface ChainHandle {
  rpcUrl: string;
  client: PublicClient;
  /** null when an already running node was reused (we did not start it, so we do not stop it) */
  process: Managed | null;
}

export function chainClient(rpcUrl: string): PublicClient {
  return createPublicClient({ transport: http(rpcUrl, { retryCount: 0, timeout: 5_000 }) });
}

async function answers(client: PublicClient): Promise<boolean> {
  await client.getChainId();
  return true;
}

export async function startLocalChain(options: { port: number; logDir: string }): Promise<ChainHandle> {
  const rpcUrl = `http://127.0.0.1:${options.port}`;
  const client = chainClient(rpcUrl);
  if (await answers(client).catch(() => false)) {
    log.ok(`chain: reusing the node already answering at ${rpcUrl} (chain id ${await client.getChainId()})`);
    return { rpcUrl, client, process: null };
  }
  mkdirSync(options.logDir, { recursive: true });
  const logFile = path.join(options.logDir, "chain.log");
  const out = openSync(logFile, "w");
  log.step(`chain: starting a Hardhat node on ${rpcUrl} (log: ${path.relative(process.cwd(), logFile)})`);
  const proc = startManaged(
    "chain",
    bin("hardhat"),
    ["node", "--hostname", "127.0.0.1", "--port", String(options.port)],
    {
      stdio: ["ignore", out, out],
      env: childEnv(),
    },
  );
  await waitFor(`Hardhat node on ${rpcUrl}`, () => answers(client), 60_000, proc.exited);
  // A Hardhat node mines only when a transaction arrives; a real chain keeps producing blocks,
  // and deposits wait for CHAIN_CONFIRMATIONS more of them. Mine one a second as well.
  await client.request({ method: "evm_setIntervalMining" as never, params: [1000] as never });
  log.ok(`chain: ready (chain id ${await client.getChainId()}, a block at least every second)`);
  return { rpcUrl, client, process: proc };
}
