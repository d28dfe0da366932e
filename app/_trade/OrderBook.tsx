"use client";
import { useMemo, useState } from "react";
import { SkeletonRows } from "../_components/Skeleton";
import { ErrorMessage } from "../_components/ErrorMessage";
import { px, sz, tickUnits, type Level, type MarketSummary } from "./market";
import { groupLevels, type BookState } from "./useMarketData";

const ROWS = 9;

/** Asks above, bids below, spread between; depth bars show cumulative size; click a price to fill the order form. */
export function OrderBook({
  market,
  book,
  onPickPrice,
}: {
  market: MarketSummary;
  book: BookState;
  onPickPrice: (price: bigint) => void;
}) {
  const tick = tickUnits(market);
  const groupings = useMemo(() => [1n, 10n, 100n, 1000n].map((k) => tick * k), [tick]);
  const [grouping, setGrouping] = useState(groupings[0]!);
  const { asks, bids, maxCum } = useMemo(() => {
    const a = groupLevels(book.asks, grouping, "ask").slice(0, ROWS);
    const b = groupLevels(book.bids, grouping, "bid").slice(0, ROWS);
    const cum = (rows: Level[]) => {
      let c = 0n;
      return rows.map(([p, s]) => [p, s, (c += s)] as [bigint, bigint, bigint]);
    };
    const ca = cum(a);
    const cb = cum(b);
    const max = [ca.at(-1)?.[2] ?? 0n, cb.at(-1)?.[2] ?? 0n].reduce((x, y) => (x > y ? x : y), 1n);
    return { asks: ca, bids: cb, maxCum: max };
  }, [book, grouping]);

  const spread = book.asks[0] && book.bids[0] ? book.asks[0][0] - book.bids[0][0] : null;
  const pct = (c: bigint) => `${Number((c * 1000n) / maxCum) / 10}%`;
  const row =
    (side: "ask" | "bid") =>
    ([p, s, c]: [bigint, bigint, bigint]) => (
      <button
        type="button"
        key={`${side}${p}`}
        className={`book-row ${side}`}
        onClick={() => onPickPrice(p)}
        title="Use this price"
        data-testid={`book-${side}`}
      >
        <span className="depth" style={{ width: pct(c) }} aria-hidden="true" />
        <span className={`num ${side === "ask" ? "down" : "up"}`}>{px(market, p)}</span>
        <span className="num r">{sz(market, s)}</span>
        <span className="num r muted">{sz(market, c)}</span>
      </button>
    );

  return (
    <section className="panel book" aria-labelledby="book-title" data-testid="order-book">
      <div className="panel-head">
        <h2 id="book-title">Order book</h2>
        <label className="inline-select">
          <span className="sr-only">Price grouping</span>
          <select
            value={grouping.toString()}
            onChange={(e) => setGrouping(BigInt(e.target.value))}
            aria-label="Price grouping"
          >
            {groupings.map((g) => (
              <option key={g.toString()} value={g.toString()}>
                {px(market, g)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="book-head muted">
        <span>Price ({market.quote.symbol})</span>
        <span className="r">Size ({market.base.symbol})</span>
        <span className="r">Total</span>
      </div>
      {book.error ? (
        <ErrorMessage error={book.error} compact />
      ) : !book.ready ? (
        <SkeletonRows rows={ROWS * 2 + 1} height={16} label="Loading the order book" />
      ) : (
        <div className="book-body">
          <div className="book-side asks">
            {[...asks].reverse().map(row("ask"))}
            {asks.length === 0 && <p className="muted book-empty">No sell orders</p>}
          </div>
          <div className="book-spread num" data-testid="book-spread">
            {spread !== null ? (
              <>
                Spread {px(market, spread)}{" "}
                <span className="muted">({Number((spread * 100_000n) / book.asks[0]![0]) / 1000}%)</span>
              </>
            ) : (
              <span className="muted">—</span>
            )}
          </div>
          <div className="book-side bids">
            {bids.map(row("bid"))}
            {bids.length === 0 && <p className="muted book-empty">No buy orders</p>}
          </div>
        </div>
      )}
    </section>
  );
}
