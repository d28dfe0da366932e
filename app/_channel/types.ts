/** Wire types of the channel API as the browser sees them (bigints kept by superjson). */
import type { inferRouterOutputs } from "@trpc/server";
import type { Address, Hex } from "viem";
import type { ChannelDomain, ChannelState, Intent } from "@/core/channel";
import type { AppRouter } from "@/server/api/root";
import type { PublicConfig } from "@/server/public-config";

type Out = inferRouterOutputs<AppRouter>["channel"];
export type WireStoredState = Out["latestState"]["latest"];
export type ChannelStatus = Out["status"];
export type PendingRequest = Out["requestWithdraw"];

/** The core's ChannelState from a wire state (intent narrowed, addresses typed). */
export function toChannelState(s: WireStoredState["state"]): ChannelState {
  return {
    channelId: s.channelId as Hex,
    version: s.version,
    intent: s.intent as Intent,
    allocations: s.allocations.map((a) => ({
      token: a.token as Address,
      traderAmount: a.traderAmount,
      exchangeAmount: a.exchangeAmount,
    })),
    appDataHash: s.appDataHash as Hex,
  };
}

/** The EIP-712 domain from the public config (never from the server's answer): this chain, this custody. */
export function channelDomainOf(cfg: PublicConfig): ChannelDomain | null {
  return cfg.custody ? { chainId: cfg.chain.id, verifyingContract: cfg.custody } : null;
}

/**
 * The channel's pending operation (withdrawal, close, or a cancellation of either) waits for the
 * trader's signature: the exchange signed its state, the newest, and the trader did not.
 */
export function awaitsTraderSignature(
  channel: Pick<ChannelStatus, "pendingVersion">,
  latest: WireStoredState | null,
): boolean {
  return (
    latest !== null &&
    !latest.traderSignature &&
    channel.pendingVersion !== null &&
    latest.state.version === channel.pendingVersion
  );
}
