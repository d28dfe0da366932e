/** What the admin procedures need from the process: the engine runtime, the database, and the chain when it is reachable. */
import type { PublicClient } from "viem";
import type { Deployment } from "../../../contracts/deploy/deployment";
import { chainClient } from "../../chain/client";
import { currentDeployment } from "../../chain/deployment";
import { exchangeWalletClient } from "../../chain/watchtower-wallet";

/** The chain client and deployment, or null (with why) when there is no deployment to read. */
export async function chainDeps(): Promise<{ client: PublicClient; deployment: Deployment } | null> {
  try {
    const deployment = await currentDeployment();
    return { client: chainClient(), deployment };
  } catch {
    return null;
  }
}

export async function exchangeChain() {
  const deployment = await currentDeployment();
  return { client: chainClient(), wallet: exchangeWalletClient(deployment), custody: deployment.custody };
}

/** The chain client, the exchange's wallet and the whole deployment (custody, exchange, tokens): what the fee withdrawal needs. */
export async function exchangeWallet() {
  const deployment = await currentDeployment();
  return { client: chainClient(), wallet: exchangeWalletClient(deployment), deployment };
}
