"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTRPC } from "../_trpc/client";
import { baseUnits, change24hBps, pxT, type MarketSummary } from "../_trade/market";
import { formatBps, formatCompact, formatPips } from "./format";

/** Every market with its live figures (last price, 24 h change and volume); a row opens its trade screen. */
export function MarketsTable({ markets: initial }: { markets: MarketSummary[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const q = useQuery({ ...trpc.markets.list.queryOptions(), initialData: initial, refetchInterval: 5_000 });
  const markets = q.data ?? initial;
  if (markets.length === 0) return <p className="muted">No markets yet. An admin creates them in the ops console.</p>;
  return (
    <div className="table-scroll">
      <table className="data markets-table" data-testid="markets">
        <thead>
          <tr>
            <th>Market</th>
            <th className="r">Last price</th>
            <th className="r">24h change</th>
            <th className="r">24h volume</th>
            <th className="r hide-phone">Max leverage</th>
            <th className="r hide-phone">Maker / taker</th>
            <th className="hide-phone">Status</th>
          </tr>
        </thead>
        <tbody>
          {markets.map((m) => {
            const price = m.lastPrice ?? m.markPrice;
            const ch = change24hBps(m);
            return (
              <tr
                key={m.symbol}
                data-testid={`market-${m.symbol}`}
                className="clickable"
                onClick={() => router.push(`/markets/${m.symbol}`)}
              >
                <td>
                  <Link href={`/markets/${m.symbol}`} onClick={(e) => e.stopPropagation()}>
                    <strong>{m.symbol}</strong>
                  </Link>{" "}
                  <span className="badge">{m.kind === "PERP" ? "Perp" : "Spot"}</span>
                </td>
                <td className="r num" data-testid="market-last">
                  {pxT(m, price)}
                  {m.lastPrice == null && price != null && (
                    <span className="muted" title="No trade yet: mark price">
                      {" "}
                      (mark)
                    </span>
                  )}
                </td>
                <td
                  className={`r num ${ch !== null && ch < 0n ? "down" : ch !== null && ch > 0n ? "up" : ""}`}
                  data-testid="market-change"
                >
                  {ch !== null ? formatBps(ch, { signed: true }) : "—"}
                </td>
                <td className="r num" data-testid="market-volume" title={`${m.volume24h.value} ${m.volume24h.symbol}`}>
                  {formatCompact(baseUnits(m, m.volume24h), m.base.decimals)} {m.volume24h.symbol}
                </td>
                <td className="r num hide-phone">{m.kind === "PERP" ? `${m.maxLeverage}×` : "—"}</td>
                <td className="r num hide-phone">
                  {formatPips(m.makerFeePips)} / {formatPips(m.takerFeePips)}
                </td>
                <td className="hide-phone">
                  <span className={`badge ${m.status === "ACTIVE" ? "ok" : "warn"}`}>
                    {m.status === "ACTIVE" ? "Active" : "Halted"}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
