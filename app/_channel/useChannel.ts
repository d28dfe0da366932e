"use client";
/** The signed-in trader's channel as the screen needs it: session, status (polled while something is in flight), tokens. */
import { useQuery } from "@tanstack/react-query";
import { useRef } from "react";
import type { Address } from "viem";
import { useTRPC } from "../_trpc/client";
import { usePublicConfig } from "../_wallet/public-config";
import type { PublicToken } from "@/server/public-config";
import { clearlineCodeOf } from "./errors";

export function useTokens() {
  const cfg = usePublicConfig();
  const byAddress = new Map<string, PublicToken>(cfg.tokens.map((t) => [t.address.toLowerCase(), t]));
  return {
    list: cfg.tokens,
    of: (address: string): PublicToken =>
      byAddress.get(address.toLowerCase()) ?? {
        symbol: `${address.slice(0, 6)}…`,
        address: address as Address,
        decimals: 18,
      },
  };
}

export function useChannel() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const signedIn = !!me.data;
  // asked first, so a trader without a channel gets no 404 from channel.status (issue 21)
  const presence = useQuery({ ...trpc.account.channelPresence.queryOptions(), enabled: signedIn });
  const hasChannel = presence.data?.hasChannel ?? false;
  const status = useQuery({
    ...trpc.channel.status.queryOptions(),
    enabled: signedIn && hasChannel,
    retry: (n, e) => clearlineCodeOf(e) !== "CHANNEL_NOT_FOUND" && n < 2,
    refetchInterval: (q) => {
      const s = q.state.data;
      if (!s) return q.state.error && clearlineCodeOf(q.state.error) === "CHANNEL_NOT_FOUND" ? false : 5_000;
      return s.status === "OPENING" || s.status === "CLOSING" || s.status === "CHALLENGED" || s.pendingOp
        ? 1_500
        : 5_000;
    },
  });
  // react-query clears `error` while an errored query without data refetches: keep the last
  // settled answer so the screen (and a deposit in progress) does not flicker or unmount
  const lastNoChannel = useRef(false);
  if (status.isSuccess) lastNoChannel.current = false;
  else if (status.error) lastNoChannel.current = clearlineCodeOf(status.error) === "CHANNEL_NOT_FOUND";
  const noChannel =
    presence.data?.hasChannel === false ||
    (status.error ? clearlineCodeOf(status.error) === "CHANNEL_NOT_FOUND" : status.isPending && lastNoChannel.current);
  return { me, signedIn, status, noChannel, channel: signedIn && !noChannel ? (status.data ?? null) : null };
}
