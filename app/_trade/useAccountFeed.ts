"use client";
/**
 * The signed-in trader's own events (feeds.account): refreshes the account panels (coalesced,
 * at most every 150 ms) and raises toasts for fills, TP/SL and stop triggers and liquidations.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useRef } from "react";
import type { EngineEvent } from "@/core/engine";
import { formatAmount } from "../_components/format";
import { toast } from "../_components/toast";
import { useTRPC } from "../_trpc/client";
import { perLotToWhole, px, sz, type MarketSummary } from "./market";

const TRIGGER_NAME = { takeProfit: "Take-profit", stopLoss: "Stop-loss", stop: "Stop order" } as const;

export function describeFillForToast(
  e: Extract<EngineEvent, { type: "fill" }>,
  me: string,
  m: MarketSummary | undefined,
): { title: string; body: string } {
  const mine = e.maker.toLowerCase() === me.toLowerCase() ? "maker" : "taker";
  const side = mine === "taker" ? e.takerSide : e.takerSide === "buy" ? "sell" : "buy";
  const fee = mine === "maker" ? e.makerFeeQuote : e.takerFeeQuote;
  const verb = m?.kind === "PERP" ? (side === "buy" ? "Long" : "Short") : side === "buy" ? "Bought" : "Sold";
  if (!m) return { title: `Filled on ${e.market}`, body: "" };
  const price = px(m, perLotToWhole(m, e.pricePerLot));
  return {
    title: e.liquidation ? `Liquidation fill on ${m.symbol}` : `Order filled (${mine})`,
    body: `${verb} ${sz(m, e.sizeBase)} ${m.base.symbol} at ${price} ${m.quote.symbol} on ${m.symbol}; fee ${formatAmount(fee, m.quote.decimals)} ${m.quote.symbol}`,
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
          const e = envelope.data.event;
          const m =
            "market" in e && typeof e.market === "string"
              ? markets.data?.find((x) => x.symbol === e.market)
              : undefined;
          switch (e.type) {
            case "fill": {
              const t = describeFillForToast(e, address!, m);
              if (e.liquidation) toast.warn(t.title, t.body);
              else toast.fill(t.title, t.body);
              break;
            }
            case "triggered":
              toast.info(
                `${TRIGGER_NAME[e.kind]} triggered on ${e.market}`,
                m ? `Trigger ${px(m, perLotToWhole(m, e.triggerPerLot))} ${m.quote.symbol}; closing at market.` : "",
              );
              break;
            case "triggerCancelled":
              if (e.reason === "oco")
                toast.info(
                  `Protective order cancelled on ${e.market}`,
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
              toast.error("Order rejected by the engine", e.message);
              break;
          }
        },
      },
    ),
  );
}
