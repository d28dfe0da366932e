/** The server's read client for a chain (the composition root makes one per process). */
import { createPublicClient, http, type PublicClient } from "viem";

export function createChainClient(rpcUrl: string): PublicClient {
  return createPublicClient({ transport: http(rpcUrl, { timeout: 5_000, retryCount: 1 }) });
}
