"use client";
/**
 * The trader's panels below the chart: positions (edit TP/SL, close), open orders (cancel,
 * amend), order history, fills, funding and balances. Every action co-signs the latest channel
 * state first when one is waiting (same rule as placing an order).
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../_trpc/client";
import type { MarketSummary } from "./market";
import { Fills, Funding, OrderHistory, Balances } from "./HistoryTabs";
import { OpenOrders } from "./OrdersTab";
import { Positions } from "./PositionsTab";
import { CancelAll, TriggerOrdersTable } from "./TriggerOrders";

type Tab = "positions" | "orders" | "history" | "fills" | "funding" | "balances";

export function AccountTabs({ markets, current }: { markets: MarketSummary[]; current: MarketSummary }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const signedIn = !!me.data;
  const [tab, setTab] = useState<Tab>("positions");
  const positions = useQuery({ ...trpc.account.positions.queryOptions(), enabled: signedIn, refetchInterval: 5_000 });
  const orders = useQuery({ ...trpc.account.openOrders.queryOptions(), enabled: signedIn });
  const triggers = useQuery({ ...trpc.account.triggerOrders.queryOptions(), enabled: signedIn });
  const pendingCount = (orders.data?.length ?? 0) + (triggers.data?.length ?? 0);
  const byMarket = new Map(markets.map((m) => [m.symbol, m]));

  const tabs: [Tab, string][] = [
    ["positions", `Positions${positions.data?.length ? ` (${positions.data.length})` : ""}`],
    ["orders", `Open orders${pendingCount ? ` (${pendingCount})` : ""}`],
    ["history", "Order history"],
    ["fills", "Fills"],
    ["funding", "Funding"],
    ["balances", "Balances"],
  ];

  return (
    <section className="panel account-tabs" aria-label="Your account" data-testid="account-tabs">
      <div className="tabs" role="tablist">
        {tabs.map(([t, label]) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            onClick={() => setTab(t)}
            data-testid={`tab-${t}`}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="tab-body" role="tabpanel">
        {!signedIn ? (
          <p className="muted">
            {me.isPending ? "…" : "Connect your wallet and sign in to see your positions, orders and balances."}
          </p>
        ) : tab === "positions" ? (
          <Positions q={positions} byMarket={byMarket} />
        ) : tab === "orders" ? (
          <>
            <div className="tab-actions">
              <CancelAll orderIds={[...(orders.data ?? []), ...(triggers.data ?? [])].map((o) => o.orderId)} />
            </div>
            <OpenOrders
              q={orders}
              byMarket={byMarket}
              empty={triggers.data?.length ? "No resting orders on the book." : "No open orders."}
            />
            <TriggerOrdersTable rows={triggers.data ?? []} byMarket={byMarket} />
          </>
        ) : tab === "history" ? (
          <OrderHistory byMarket={byMarket} />
        ) : tab === "fills" ? (
          <Fills byMarket={byMarket} />
        ) : tab === "funding" ? (
          <Funding current={current} />
        ) : (
          <Balances />
        )}
      </div>
    </section>
  );
}
