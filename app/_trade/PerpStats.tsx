"use client";
/**
 * A perpetual's context in the market header (markets.perpStats): the funding rate the next
 * payment would use at the current mark and index, a countdown to it, and the open interest.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { formatAmount, formatCompact, formatToken } from "../_components/format";
import { useTRPC } from "../_trpc/client";
import { baseUnits, type MarketSummary } from "./market";

/** mm:ss or h:mm:ss until `atMs`. */
export function countdown(atMs: number, nowMs: number): string {
  const s = Math.max(0, Math.floor((atMs - nowMs) / 1000));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function PerpStats({ market }: { market: MarketSummary }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.markets.perpStats.queryOptions(), refetchInterval: 5_000 });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(t);
  }, []);
  const s = q.data?.find((x) => x.market === market.symbol);
  const rate = s?.fundingRatePips ?? null;
  // pips are 1e-6: as a percentage with 4 decimals, signed
  const rateText =
    rate === null
      ? "—"
      : `${formatAmount(BigInt(rate), 4, { maxFraction: 4, minFraction: 4, signed: true, group: false })}%`;
  // the next boundary, recomputed locally once the one the server named has passed
  const interval = (s?.fundingIntervalSec ?? market.fundingIntervalSec ?? 0) * 1000;
  const next = s?.nextFundingMs ?? null;
  const due = next === null || interval === 0 ? null : next > now ? next : (Math.floor(now / interval) + 1) * interval;
  return (
    <>
      <div className="stat" data-testid="funding">
        <span className="label">Funding / countdown</span>
        <span className="num">
          <span className={rate !== null && rate < 0 ? "down" : "up"} data-testid="funding-rate">
            {rateText}
          </span>{" "}
          <span className="muted" data-testid="funding-countdown">
            {due === null ? "—" : countdown(due, now)}
          </span>
        </span>
      </div>
      <div className="stat" data-testid="open-interest">
        <span className="label">Open interest</span>
        <span className="num" title={s ? formatToken(s.openInterest) : undefined}>
          {s
            ? `${formatCompact(baseUnits(market, s.openInterest), market.base.decimals)} ${s.openInterest.symbol}`
            : "—"}
        </span>
      </div>
    </>
  );
}
