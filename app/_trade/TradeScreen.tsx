"use client";
/**
 * One market's trade screen, laid out like the big perp venues: chart with book and trades
 * beside it, the order form on the right, the trader's panels below. Market figures refresh
 * every few seconds; book, trades and the trader's own events are live subscriptions.
 */
import { useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useState } from "react";
import { useTRPC } from "../_trpc/client";
import { AccountSummary } from "./AccountSummary";
import { AccountTabs } from "./AccountTabs";
import { MarketHeader } from "./MarketHeader";
import type { MarketSummary } from "./market";
import { OrderBook } from "./OrderBook";
import { OrderForm, type PickedPrice } from "./OrderForm";
import { RecentTrades } from "./RecentTrades";
import { useAccountFeed } from "./useAccountFeed";
import { useBook, useTrades } from "./useMarketData";
import { chartLines } from "./chart-lines";

// Recharts is the heaviest piece: load it after the rest so the book and form paint first.
const PriceChart = dynamic(() => import("./PriceChart").then((m) => m.PriceChart), {
  ssr: false,
  loading: () => (
    <section className="panel chart" aria-label="Price chart loading">
      <div className="panel-head">
        <h2>Price</h2>
      </div>
      <div className="chart-frame">
        <span className="skeleton chart-skeleton" />
      </div>
    </section>
  ),
});

export function TradeScreen({ symbol, initialMarkets }: { symbol: string; initialMarkets: MarketSummary[] }) {
  const trpc = useTRPC();
  const markets = useQuery({
    ...trpc.markets.list.queryOptions(),
    initialData: initialMarkets,
    refetchInterval: 3_000,
  });
  const me = useQuery(trpc.auth.me.queryOptions());
  const positions = useQuery({ ...trpc.account.positions.queryOptions(), enabled: !!me.data });
  const all = markets.data ?? initialMarkets;
  const market = all.find((m) => m.symbol === symbol)!;
  const book = useBook(market);
  const trades = useTrades(symbol);
  const [picked, setPicked] = useState<PickedPrice | null>(null);
  const orders = useQuery({ ...trpc.account.openOrders.queryOptions(), enabled: !!me.data });
  const triggers = useQuery({ ...trpc.account.triggerOrders.queryOptions(), enabled: !!me.data });
  const lines = chartLines(market, positions.data ?? [], orders.data ?? [], triggers.data ?? []);
  useAccountFeed();

  return (
    <main className="trade-page" data-testid="trade-screen">
      <MarketHeader market={market} markets={all} />
      <div className="trade-grid">
        <div className="area-chart">
          <PriceChart market={market} lines={lines} />
        </div>
        <div className="area-book">
          <OrderBook
            market={market}
            book={book}
            onPickPrice={(price) => setPicked((p) => ({ price, nonce: (p?.nonce ?? 0) + 1 }))}
          />
        </div>
        <div className="area-trades">
          <RecentTrades market={market} trades={trades.trades} ready={trades.ready} error={trades.error} />
        </div>
        <div className="area-form">
          <OrderForm market={market} book={book} positions={positions.data ?? []} picked={picked} />
          <AccountSummary settlement={market.quote.symbol} />
        </div>
        <div className="area-account">
          <AccountTabs markets={all} current={market} />
        </div>
      </div>
    </main>
  );
}
