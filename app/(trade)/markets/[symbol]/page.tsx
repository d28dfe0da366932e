import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { serverCaller } from "../../../_trpc/server";
import { TradeScreen } from "../../../_trade/TradeScreen";

export async function generateMetadata({ params }: { params: Promise<{ symbol: string }> }): Promise<Metadata> {
  const { symbol } = await params;
  return { title: `${decodeURIComponent(symbol)} — Clearline` };
}

/** The trade screen of one market: server-rendered with the market list, then live in the browser. */
export default async function MarketPage({ params }: { params: Promise<{ symbol: string }> }) {
  const { symbol: raw } = await params;
  const symbol = decodeURIComponent(raw).toUpperCase();
  const caller = await serverCaller();
  const markets = await caller.markets.list().catch(() => null);
  if (!markets) {
    return (
      <main className="page">
        <p className="error-box" role="alert">
          <span className="error-text">The markets could not be read.</span>{" "}
          <span className="muted">
            The exchange may be starting; reload in a few seconds. The status panel on the{" "}
            <Link href="/">markets page</Link> says more.
          </span>
        </p>
      </main>
    );
  }
  // an unknown market is an unknown page: the styled 404 (app/not-found.tsx) offers the ways on
  if (!markets.some((m) => m.symbol === symbol)) notFound();
  return <TradeScreen symbol={symbol} initialMarkets={markets} />;
}
