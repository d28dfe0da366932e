import { createPublicClient, http, type PublicClient } from "viem";
import { env } from "../env";

const g = globalThis as unknown as { __clearlineChainClient?: PublicClient };

/** The server's read client for the configured chain (one per process). */
export function chainClient(): PublicClient {
  return (g.__clearlineChainClient ??= createPublicClient({
    transport: http(env().chain.rpcUrl, { timeout: 5_000, retryCount: 1 }),
  }));
}
