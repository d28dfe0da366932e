/** The price chart's lines for one market: the mark, the position's entry and liquidation, the trader's orders and triggers. */
import type { ChartLine } from "./PriceChart";
import { pxT, type MarketSummary, type OpenOrder, type Position, type TriggerOrder } from "./market";

export function chartLines(
  m: MarketSummary,
  positions: Position[],
  orders: OpenOrder[],
  triggers: TriggerOrder[],
): ChartLine[] {
  const out: ChartLine[] = [];
  if (m.kind === "PERP" && m.markPrice) out.push({ price: m.markPrice.value, label: "Mark", kind: "mark" });
  const p = positions.find((x) => x.market === m.symbol);
  if (p) {
    out.push({ price: p.entryPrice.value, label: `Entry ${pxT(m, p.entryPrice)}`, kind: "entry" });
    if (p.liquidationPrice)
      out.push({ price: p.liquidationPrice.value, label: `Liq. ${pxT(m, p.liquidationPrice)}`, kind: "liquidation" });
  }
  for (const o of orders)
    if (o.market === m.symbol)
      out.push({ price: o.price.value, label: `${o.side === "buy" ? "Buy" : "Sell"} #${o.orderId}`, kind: o.side });
  for (const t of triggers)
    if (t.market === m.symbol)
      out.push({
        price: t.trigger.value,
        label: `${t.type === "takeProfit" ? "TP" : t.type === "stopLoss" ? "SL" : "Stop"} #${t.orderId}`,
        kind: "trigger",
      });
  return out;
}
