import { formatUnits } from "viem";
import type { MarketView } from "@/server/services/markets";

function pct(pips: number): string {
  return `${(pips / 10_000).toFixed(pips % 100 === 0 ? 2 : 4)}%`;
}

/** Markets with their trading parameters, in human units. */
export function MarketsTable({ markets }: { markets: MarketView[] }) {
  if (markets.length === 0) return <p className="muted">No markets yet. An admin creates them in the ops console.</p>;
  return (
    <table className="data" data-testid="markets">
      <thead>
        <tr>
          <th>Market</th>
          <th>Type</th>
          <th className="r">Tick</th>
          <th className="r">Min order</th>
          <th className="r">Max leverage</th>
          <th className="r">Maker / taker</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {markets.map((m) => (
          <tr key={m.symbol} data-testid={`market-${m.symbol}`}>
            <td>
              <strong>{m.symbol}</strong>
            </td>
            <td>{m.kind === "PERP" ? "Perpetual" : "Spot"}</td>
            <td className="r num">
              {formatUnits(m.tickSize, m.quote.decimals)} {m.quote.symbol}
            </td>
            <td className="r num">
              {formatUnits(m.minNotional, m.quote.decimals)} {m.quote.symbol}
            </td>
            <td className="r num">{m.kind === "PERP" ? `${m.maxLeverage}×` : "—"}</td>
            <td className="r num">
              {pct(m.makerFeePips)} / {pct(m.takerFeePips)}
            </td>
            <td>
              <span className={`badge ${m.status === "ACTIVE" ? "ok" : "warn"}`}>{m.status === "ACTIVE" ? "Active" : "Halted"}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
