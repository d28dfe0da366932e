"use client";
/** The read-only account tabs: order history, fills, funding payments and balances. */
import { useQuery } from "@tanstack/react-query";
import { formatAmount, formatDateTime } from "../_components/format";
import { useTRPC } from "../_trpc/client";
import { perLotToWhole, px, quoteAmt, sz, type HistoryRow, type MarketSummary } from "./market";
import { Loadable } from "./account-parts";

const HISTORY_TYPES = [
  "orderAccepted",
  "orderDone",
  "orderAmended",
  "triggerAccepted",
  "triggered",
  "triggerCancelled",
  "liquidationStarted",
  "liquidationFinished",
] as const;
const TRIGGER_NAME = { takeProfit: "Take-profit", stopLoss: "Stop-loss", stop: "Stop" } as const;

function describeHistory(r: HistoryRow, m: MarketSummary | undefined): { what: string; detail: string } {
  const e = r.event;
  const p = (perLot: bigint | null) => (m && perLot !== null ? px(m, perLotToWhole(m, perLot)) : "—");
  const s = (b: bigint) => (m ? `${sz(m, b)} ${m.base.symbol}` : b.toString());
  switch (e.type) {
    case "orderAccepted":
      return {
        what: `${e.origin === "trigger" ? "Triggered order" : e.origin === "liquidation" ? "Liquidation order" : "Order"} #${e.orderId} accepted`,
        detail: `${e.side} ${s(e.sizeBase)} ${e.kind}${e.pricePerLot !== null ? ` at ${p(e.pricePerLot)}` : ""} ${e.tif}${e.postOnly ? " post-only" : ""}${e.reduceOnly ? " reduce-only" : ""}`,
      };
    case "orderDone":
      return {
        what: `Order #${e.orderId} ${e.reason}`,
        detail: `filled ${s(e.filledBase)}, remaining ${s(e.remainingBase)}`,
      };
    case "orderAmended":
      return {
        what: `Order #${e.orderId} amended`,
        detail: `${s(e.sizeBase)} at ${p(e.pricePerLot)}${e.keptPriority ? " (kept priority)" : ""}`,
      };
    case "triggerAccepted":
      return { what: `${TRIGGER_NAME[e.kind]} #${e.orderId} set`, detail: `trigger ${p(e.triggerPerLot)}` };
    case "triggered":
      return { what: `${TRIGGER_NAME[e.kind]} #${e.orderId} triggered`, detail: `trigger ${p(e.triggerPerLot)}` };
    case "triggerCancelled":
      return {
        what: `Trigger #${e.orderId} cancelled`,
        detail: e.reason === "oco" ? "its TP/SL partner fired" : e.reason,
      };
    case "liquidationStarted":
      return {
        what: "Liquidation started",
        detail: `equity ${formatAmount(e.equityQuote, 6, { maxFraction: 2 })} below maintenance ${formatAmount(e.maintenanceQuote, 6, { maxFraction: 2 })}`,
      };
    case "liquidationFinished":
      return { what: "Liquidation finished", detail: `equity ${formatAmount(e.equityQuote, 6, { maxFraction: 2 })}` };
    default:
      return { what: e.type, detail: "" };
  }
}

export function OrderHistory({ byMarket }: { byMarket: Map<string, MarketSummary> }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.account.history.queryOptions({ limit: 100, types: [...HISTORY_TYPES] }));
  return (
    <Loadable q={{ ...q, data: q.data?.rows }} empty="No orders yet.">
      {(rows) => (
        <table className="data dense" data-testid="order-history">
          <thead>
            <tr>
              <th>Time</th>
              <th>Market</th>
              <th>Event</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const d = describeHistory(r, r.market ? byMarket.get(r.market) : undefined);
              return (
                <tr key={`${r.seq}:${r.idx}`} data-testid="history-row">
                  <td className="num muted">{formatDateTime(Number(r.timeMs))}</td>
                  <td>{r.market ?? "—"}</td>
                  <td>{d.what}</td>
                  <td className="muted">{d.detail}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Loadable>
  );
}

export function Fills({ byMarket }: { byMarket: Map<string, MarketSummary> }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.account.fills.queryOptions({ limit: 100 }));
  return (
    <Loadable q={{ ...q, data: q.data?.fills }} empty="No fills yet.">
      {(rows) => (
        <table className="data dense" data-testid="fills">
          <thead>
            <tr>
              <th>Time</th>
              <th>Market</th>
              <th>Side</th>
              <th className="r">Price</th>
              <th className="r">Size</th>
              <th className="r">Value</th>
              <th className="r">Fee</th>
              <th>Role</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((f) => {
              const m = byMarket.get(f.market);
              if (!m) return null;
              return (
                <tr key={`${f.seq}:${f.orderId}:${f.role}`} data-testid="fill-row">
                  <td className="num muted">{formatDateTime(Number(f.timeMs))}</td>
                  <td>{f.market}</td>
                  <td className={f.side === "buy" ? "up" : "down"}>
                    {f.side === "buy" ? "Buy" : "Sell"}
                    {f.liquidation ? " (liquidation)" : ""}
                  </td>
                  <td className="r num">{px(m, f.price)}</td>
                  <td className="r num">
                    {sz(m, f.size)} {m.base.symbol}
                  </td>
                  <td className="r num">{quoteAmt(m, f.notionalQuote)}</td>
                  <td className="r num" data-testid="fill-fee">
                    {formatAmount(f.feeQuote, m.quote.decimals)} {f.feeAsset}
                  </td>
                  <td className="muted">{f.role}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Loadable>
  );
}

export function Funding({ byMarket, current }: { byMarket: Map<string, MarketSummary>; current: MarketSummary }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.account.funding.queryOptions({ limit: 100 }));
  return (
    <>
      {current.kind === "PERP" && current.fundingIntervalSec && (
        <p className="muted">
          {current.symbol} pays funding every{" "}
          {current.fundingIntervalSec / 3600 >= 1
            ? `${current.fundingIntervalSec / 3600} h`
            : `${current.fundingIntervalSec / 60} min`}{" "}
          between longs and shorts (mark vs index).
        </p>
      )}
      <Loadable q={{ ...q, data: q.data?.payments }} empty="No funding payments yet.">
        {(rows) => (
          <table className="data dense" data-testid="funding">
            <thead>
              <tr>
                <th>Time</th>
                <th>Market</th>
                <th className="r">Amount (+ received / − paid)</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((f) => {
                const m = byMarket.get(f.market);
                return (
                  <tr key={`${f.seq}:${f.market}`}>
                    <td className="num muted">{formatDateTime(Number(f.timeMs))}</td>
                    <td>{f.market}</td>
                    <td className={`r num ${f.amountQuote >= 0n ? "up" : "down"}`}>
                      {m ? `${quoteAmt(m, f.amountQuote, true)} ${m.quote.symbol}` : f.amountQuote.toString()}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Loadable>
    </>
  );
}

/** Balances in the exchange (the channel's money): available and locked in orders. */
export function Balances() {
  const trpc = useTRPC();
  const q = useQuery(trpc.account.balances.queryOptions());
  return (
    <Loadable q={q} empty="No balance yet: deposit on the channel screen to start trading.">
      {(rows) => (
        <table className="data dense" data-testid="exchange-balances">
          <thead>
            <tr>
              <th>Asset</th>
              <th className="r">Available</th>
              <th className="r">In orders</th>
              <th className="r">Total</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((b) => (
              <tr key={b.asset} data-testid={`exchange-balance-${b.asset}`}>
                <td>{b.asset}</td>
                <td className="r num" data-testid="available">
                  {formatAmount(b.available, b.decimals)}
                </td>
                <td className="r num">{formatAmount(b.locked, b.decimals)}</td>
                <td className="r num">{formatAmount(b.available + b.locked, b.decimals)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Loadable>
  );
}
