/** Make sure the local chain has Clearline's contracts: reuse the recorded deployment if it is on this chain, else deploy. */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { PublicClient } from "viem";
import { deployLocal } from "../../contracts/deploy/local";
import type { Deployment } from "../../contracts/deploy/deployment";
import { readDeploymentFile } from "../../server/chain/deployment";
import { log } from "./log";

async function stillDeployed(client: PublicClient, d: Deployment): Promise<string | null> {
  const [chainId, genesis] = await Promise.all([client.getChainId(), client.getBlock({ blockNumber: 0n })]);
  if (chainId !== d.chainId) return `chain id ${chainId} ≠ recorded ${d.chainId}`;
  if (genesis.hash !== d.genesisHash)
    return `genesis ${genesis.hash.slice(0, 10)}… ≠ recorded ${d.genesisHash.slice(0, 10)}… (the chain was restarted)`;
  const code = await client.getCode({ address: d.custody });
  if (!code || code === "0x") return `no contract at the recorded custody address ${d.custody}`;
  return null;
}

export async function ensureLocalDeployment(options: {
  client: PublicClient;
  rpcUrl: string;
  file: string;
}): Promise<Deployment> {
  const rel = path.relative(process.cwd(), options.file);
  let recorded: Deployment | null = null;
  try {
    recorded = readDeploymentFile(options.file);
  } catch {
    recorded = null;
  }
  if (recorded) {
    const mismatch = await stillDeployed(options.client, recorded);
    if (!mismatch) {
      log.ok(`contracts: using the deployment recorded in ${rel} (custody ${recorded.custody})`);
      return recorded;
    }
    log.warn(`contracts: the deployment in ${rel} is not on this chain (${mismatch}); deploying again`);
  }
  log.step("contracts: deploying the custody contract and the demo tokens (USDC, WETH, WBTC)…");
  const deployment = await deployLocal({ rpcUrl: options.rpcUrl });
  mkdirSync(path.dirname(options.file), { recursive: true });
  writeFileSync(
    options.file,
    JSON.stringify(deployment, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n",
  );
  log.ok(`contracts: deployed; custody ${deployment.custody}; addresses written to ${rel}`);
  return deployment;
}
