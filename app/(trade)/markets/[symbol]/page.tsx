import type { Metadata } from "next";
import Link from "next/link";
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
  if (!markets.some((m) => m.symbol === symbol)) {
    return (
      <main className="page">
        <p className="error-box" role="alert">
          <span className="error-text">There is no market {symbol}.</span>{" "}
          <span className="muted">
            Pick one from the <Link href="/">markets list</Link>.
          </span>
        </p>
      </main>
    );
  }
  return <TradeScreen symbol={symbol} initialMarkets={markets} />;
}
