"use client";
import { ErrorMessage } from "../_components/ErrorMessage";
import { SkeletonRows } from "../_components/Skeleton";
import { formatTime } from "../_components/format";
import { pxT, szT, type MarketSummary, type Trade } from "./market";

/** The market's latest fills, newest first, coloured by the taker's side. */
export function RecentTrades({
  market,
  trades,
  ready,
  error,
}: {
  market: MarketSummary;
  trades: Trade[];
  ready: boolean;
  error: unknown;
}) {
  return (
    <section className="panel trades" aria-labelledby="trades-title" data-testid="recent-trades">
      <h2 id="trades-title">Recent trades</h2>
      <div className="book-head muted">
        <span>Price</span>
        <span className="r">Size</span>
        <span className="r">Time</span>
      </div>
      {error ? (
        <ErrorMessage error={error} compact />
      ) : !ready ? (
        <SkeletonRows rows={6} height={16} label="Loading trades" />
      ) : trades.length === 0 ? (
        <p className="muted trades-empty">No trades yet.</p>
      ) : (
        <div className="trades-body">
          {trades.map((t) => (
            <div key={t.id} className="trade-row" data-testid="trade-row">
              <span className={`num ${t.takerSide === "buy" ? "up" : "down"}`}>{pxT(market, t.price)}</span>
              <span className="num r">{szT(market, t.size)}</span>
              <span className="num r muted">{formatTime(Number(t.timeMs))}</span>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
