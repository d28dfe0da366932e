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
          switch (a.kind) {
            case "fill": {
              const t = describeFillForToast(a, m);
              if (a.liquidation) toast.warn(t.title, t.body);
              else toast.fill(t.title, t.body);
              break;
            }
            case "triggered":
              fired.current.add(a.orderId);
              toast.info(
                `${TRIGGER_NAME[a.triggerKind]} triggered on ${a.market}`,
                `Trigger ${m ? pxT(m, a.trigger) : a.trigger.value} ${a.trigger.symbol} reached (price ${m ? pxT(m, a.price) : a.price.value}); its order is sent.`,
              );
              break;
            case "orderDone":
              if (fired.current.has(a.orderId) && a.reason !== "filled") {
                fired.current.delete(a.orderId);
                const filledAny = !/^0(\.0*)?$/.test(a.filled.value);
                toast.warn(
                  a.reason === "expired"
                    ? `Triggered order ${filledAny ? "partly filled" : "expired unfilled"} on ${a.market}`
                    : `Triggered order ended on ${a.market}`,
                  `Order #${a.orderId}: ${a.reason}; filled ${formatToken(a.filled)}, ${formatToken(a.remaining)} not filled (no liquidity within its price bound).`,
                );
              } else if (a.reason === "filled") fired.current.delete(a.orderId);
              break;
            case "triggerCancelled":
              if (a.reason === "oco")
                toast.info(
                  `Protective order cancelled on ${a.market}`,
                  "Its take-profit / stop-loss partner fired first (one cancels the other).",
                );
              else if (a.reason === "positionClosed")
                toast.info(
                  `Trigger order #${a.orderId} removed on ${a.market}`,
                  "The position it protected is closed.",
                );
              else if (a.reason === "liquidation")
                toast.warn(`Trigger order #${a.orderId} removed on ${a.market}`, "The position was liquidated.");
              // "cancelled" and "replaced" are the trader's own actions, announced where they were taken
              break;
            case "liquidationStarted":
              toast.warn(
                "Liquidation",
                "Your account fell below maintenance margin: positions are being closed. Add collateral to avoid this.",
              );
              break;
            case "rejected":
              // only a triggered order's refusal: the trader's own orders were answered by the form
              if (a.orderId !== null && fired.current.delete(a.orderId))
                toast.error("Triggered order refused", a.message);
              break;
          }
        },
      },
    ),
  );
}
