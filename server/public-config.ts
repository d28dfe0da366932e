/** What the browser needs to know about the deployment, handed to it by the root layout at request time. */
import type { Deployment } from "../contracts/deploy/deployment";
import type { Env } from "./env";

export interface PublicToken {
  symbol: string;
  address: `0x${string}`;
  decimals: number;
}

export interface PublicConfig {
  chain: {
    id: number;
    name: string;
    rpcUrl: string;
    isLocal: boolean;
    /** blocks a custody event is buried under before the exchange applies it */ confirmations: number;
  };
  custody: `0x${string}` | null;
  tokens: PublicToken[];
}

/** The browser-facing configuration; tokens and custody are empty when no deployment is known yet. */
export function publicConfig(e: Env, deployment: Deployment | null): PublicConfig {
  const chainId = deployment?.chainId ?? 31337;
  return {
    chain: {
      id: chainId,
      name: e.chain.isLocal ? "Clearline local chain" : `Chain ${chainId}`,
      rpcUrl: e.chain.publicRpcUrl,
      isLocal: e.chain.isLocal,
      confirmations: e.chain.confirmations,
    },
    custody: deployment?.custody ?? null,
    tokens: deployment
      ? Object.values(deployment.tokens).map((t) => ({ symbol: t.symbol, address: t.address, decimals: t.decimals }))
      : [],
  };
}
