/** The exchange's wallet client on the configured chain: the watchtower and ops sign and pay with it. */
import { createWalletClient, http, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Deployment } from "../../contracts/deploy/deployment";
import type { ExchangeWallet } from "./watchtower";

export function exchangeWalletClient(
  deployment: Pick<Deployment, "chainId">,
  rpcUrl: string,
  privateKey: Hex,
): ExchangeWallet {
  return createWalletClient({
    account: privateKeyToAccount(privateKey),
    chain: {
      id: deployment.chainId,
      name: `chain ${deployment.chainId}`,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [rpcUrl] } },
    },
    transport: http(rpcUrl, { timeout: 10_000, retryCount: 1 }),
  });
}
