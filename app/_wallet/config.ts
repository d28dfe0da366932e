"use client";
import { createConfig, http } from "wagmi";
import { defineChain } from "viem";
import type { PublicConfig } from "@/server/public-config";

/** The chain as the browser sees it: id and RPC come from the server's configuration at runtime. */
export function clearlineChain(cfg: PublicConfig) {
  return defineChain({
    id: cfg.chain.id,
    name: cfg.chain.name,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [cfg.chain.rpcUrl] } },
    testnet: cfg.chain.isLocal,
  });
}

/** wagmi with EIP-6963 discovery of every injected wallet (no hard-coded connectors). */
export function createWagmiConfig(cfg: PublicConfig) {
  const chain = clearlineChain(cfg);
  return createConfig({
    chains: [chain],
    transports: { [chain.id]: http(cfg.chain.rpcUrl) },
    multiInjectedProviderDiscovery: true,
    ssr: true,
  });
}
