"use client";
/**
 * The signed-in trader's own events (feeds.account): refreshes the account panels (coalesced,
 * at most every 150 ms) and raises toasts for fills, liquidations and every outcome of a trigger
 * (fired, then filled, expired unfilled or refused; removed with its position or by its OCO
 * partner). A refusal of the trader's own order is not repeated here: the form that sent it
 * already said so (one toast per refusal).
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useRef } from "react";
import { toast } from "../_components/toast";
import { useTRPC } from "../_trpc/client";
import { activityToast } from "./activity-toasts";

export function useAccountFeed() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const markets = useQuery(trpc.markets.list.queryOptions());
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  /** ids of triggers that fired: the orders they placed carry the same id */
  const fired = useRef(new Set<number>());
  const address = me.data?.address ?? null;

  const refresh = () => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      void queryClient.invalidateQueries({ queryKey: trpc.account.pathKey() });
    }, 150);
  };

  return useSubscription(
    trpc.feeds.account.subscriptionOptions(
      { lastEventId: null },
      {
        enabled: !!address,
        onData: (envelope) => {
          refresh();
          const a = envelope.data.activity;
          const m = "market" in a ? markets.data?.find((x) => x.symbol === a.market) : undefined;
          const t = activityToast(a, m, fired.current);
          if (t) toast[t.kind](t.title, t.body);
        },
      },
    ),
  );
}
