"use client";
/** Chain-side helpers of the channel screen: ABI shapes, tx sending with receipts, on-chain channel reads. */
import { useCallback } from "react";
import { useBlock, usePublicClient, useReadContract, useWriteContract } from "wagmi";
import type { Address, Hash, Hex } from "viem";
import { custodyAbi } from "@/contracts/generated";
import { usePublicConfig } from "../_wallet/public-config";

/** The one conversion lives in the core; re-exported for the channel screen's panels. */
export { toAbiState } from "@/core/channel";

/** Channel.Status in the contract. */
export const ON_CHAIN_STATUS = ["None", "Active", "Challenged", "Closed"] as const;

/** Sends a transaction from the wallet and waits for its receipt; throws with the revert reason if it failed. */
export function useSendAndWait() {
  const cfg = usePublicConfig();
  const write = useWriteContract();
  const client = usePublicClient({ chainId: cfg.chain.id });
  const send = useCallback(
    async (request: Parameters<typeof write.mutateAsync>[0], onSent?: (hash: Hash) => void) => {
      if (!client) throw new Error("No connection to the chain. Check the network and reload the page.");
      const hash = await write.mutateAsync(request);
      onSent?.(hash);
      const receipt = await client.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success")
        throw new Error(
          `The transaction ${hash.slice(0, 10)}… reverted on-chain. Reload the page to see the channel's current state and retry.`,
        );
      return receipt;
    },
    [client, write],
  );
  return { send, isPending: write.isPending };
}

/** The custody contract's view of a channel (polled), and the exchange's address as the contract knows it. */
export function useOnChainChannel(channelId: Hex | null) {
  const cfg = usePublicConfig();
  const custody = cfg.custody ?? undefined;
  const view = useReadContract({
    address: custody,
    abi: custodyAbi,
    functionName: "channel",
    args: channelId ? [channelId] : undefined,
    chainId: cfg.chain.id,
    query: { enabled: !!channelId && !!custody, refetchInterval: 2_000 },
  });
  return view;
}

export function useCustodyExchange(): Address | undefined {
  const cfg = usePublicConfig();
  const r = useReadContract({
    address: cfg.custody ?? undefined,
    abi: custodyAbi,
    functionName: "exchange",
    chainId: cfg.chain.id,
    query: { enabled: !!cfg.custody, staleTime: Infinity },
  });
  return r.data;
}

export function useChallengePeriod(): bigint | undefined {
  const cfg = usePublicConfig();
  const r = useReadContract({
    address: cfg.custody ?? undefined,
    abi: custodyAbi,
    functionName: "challengePeriod",
    chainId: cfg.chain.id,
    query: { enabled: !!cfg.custody, staleTime: Infinity },
  });
  return r.data;
}

/** The chain's latest block (number and timestamp), watched: deadlines are in chain time, not the browser's clock. */
export function useChainHead() {
  const cfg = usePublicConfig();
  return useBlock({ chainId: cfg.chain.id, watch: true, query: { refetchInterval: 2_000 } });
}
