"use client";
import Link from "next/link";
import { formatBps, formatCompact, formatPips } from "../_components/format";
import { baseUnits, change24hBps, pxT, type MarketSummary } from "./market";
import { PerpStats } from "./PerpStats";

/** The market's name (with a switcher to the others) and its live figures. */
export function MarketHeader({ market, markets }: { market: MarketSummary; markets: MarketSummary[] }) {
  const ch = change24hBps(market);
  return (
    <section className="market-header panel" aria-label={`${market.symbol} summary`}>
      <nav className="market-switch" aria-label="Markets">
        {markets.map((m) => (
          <Link
            key={m.symbol}
            href={`/markets/${m.symbol}`}
            aria-current={m.symbol === market.symbol ? "page" : undefined}
            className={m.symbol === market.symbol ? "on" : ""}
          >
            {m.symbol}
          </Link>
        ))}
      </nav>
      <div className="stats">
        <div className="stat main">
          <span className="label">{market.kind === "PERP" ? "Perpetual" : "Spot"}</span>
          <span className={`num big ${ch !== null && ch < 0n ? "down" : "up"}`} data-testid="last-price">
            {pxT(market, market.lastPrice ?? market.markPrice)}
          </span>
        </div>
        {market.kind === "PERP" && (
          <>
            <div className="stat">
              <span className="label">Mark</span>
              <span className="num" data-testid="mark-price">
                {pxT(market, market.markPrice)}
              </span>
            </div>
            <div className="stat hide-phone">
              <span className="label">Index</span>
              <span className="num">{pxT(market, market.indexPrice)}</span>
            </div>
            <PerpStats market={market} />
          </>
        )}
        <div className="stat">
          <span className="label">24h change</span>
          <span className={`num ${ch !== null && ch < 0n ? "down" : "up"}`}>
            {ch !== null ? formatBps(ch, { signed: true }) : "—"}
          </span>
        </div>
        <div className="stat">
          <span className="label">24h volume</span>
          <span className="num" title={`${market.volume24h.value} ${market.volume24h.symbol}`}>
            {formatCompact(baseUnits(market, market.volume24h), market.base.decimals)} {market.volume24h.symbol}
          </span>
        </div>
        <div className="stat hide-phone">
          <span className="label">Fees maker / taker</span>
          <span className="num">
            {formatPips(market.makerFeePips)} / {formatPips(market.takerFeePips)}
          </span>
        </div>
        {market.status !== "ACTIVE" && <span className="badge warn">Halted</span>}
      </div>
    </section>
  );
}
