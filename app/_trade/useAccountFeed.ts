"use client";
/**
 * The signed-in trader's own events (feeds.account): refreshes the account panels (coalesced,
 * at most every 150 ms) and raises toasts for fills, TP/SL and stop triggers and liquidations.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useRef } from "react";
import { formatToken } from "../_components/format";
import { toast } from "../_components/toast";
import { useTRPC } from "../_trpc/client";
import { pxT, szT, type Activity, type MarketSummary } from "./market";

const TRIGGER_NAME = { takeProfit: "Take-profit", stopLoss: "Stop-loss", stop: "Stop order" } as const;

export function describeFillForToast(
  f: Extract<Activity, { kind: "fill" }>,
  m: MarketSummary | undefined,
): { title: string; body: string } {
  const verb = m?.kind === "PERP" ? (f.side === "buy" ? "Long" : "Short") : f.side === "buy" ? "Bought" : "Sold";
  if (!m) return { title: `Filled on ${f.market}`, body: "" };
  return {
    title: f.liquidation ? `Liquidation fill on ${m.symbol}` : `Order filled (${f.role})`,
    body: `${verb} ${szT(m, f.size)} ${f.size.symbol} at ${pxT(m, f.price)} ${f.price.symbol} on ${m.symbol}; fee ${formatToken(f.fee)}`,
  };
}

export function useAccountFeed() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const markets = useQuery(trpc.markets.list.queryOptions());
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
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
          switch (a.kind) {
            case "fill": {
              const t = describeFillForToast(a, m);
              if (a.liquidation) toast.warn(t.title, t.body);
              else toast.fill(t.title, t.body);
              break;
            }
            case "triggered":
              toast.info(
                `${TRIGGER_NAME[a.triggerKind]} triggered on ${a.market}`,
                `Trigger ${m ? pxT(m, a.trigger) : a.trigger.value} ${a.trigger.symbol}; closing at market.`,
              );
              break;
            case "triggerCancelled":
              if (a.reason === "oco")
                toast.info(
                  `Protective order cancelled on ${a.market}`,
                  "Its take-profit / stop-loss partner fired first (one cancels the other).",
                );
              break;
            case "liquidationStarted":
              toast.warn(
                "Liquidation",
                "Your account fell below maintenance margin: positions are being closed. Add collateral to avoid this.",
              );
              break;
            case "rejected":
              toast.error("Order rejected by the engine", a.message);
              break;
          }
        },
      },
    ),
  );
}
