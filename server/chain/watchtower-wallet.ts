/** The exchange's wallet client on the configured chain: the watchtower signs and pays its answers with it. */
import { createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Deployment } from "../../contracts/deploy/deployment";
import { env } from "../env";
import type { ExchangeWallet } from "./watchtower";

export function exchangeWalletClient(deployment: Pick<Deployment, "chainId">): ExchangeWallet {
  const rpcUrl = env().chain.rpcUrl;
  return createWalletClient({
    account: privateKeyToAccount(env().exchangePrivateKey),
    chain: {
      id: deployment.chainId,
      name: `chain ${deployment.chainId}`,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [rpcUrl] } },
    },
    transport: http(rpcUrl, { timeout: 10_000, retryCount: 1 }),
  });
}
