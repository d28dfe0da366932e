"use client";
/** The read-only account tabs: order history, fills, funding payments and balances. */
import { useQuery } from "@tanstack/react-query";
import { formatDateTime, formatToken } from "../_components/format";
import { useTRPC } from "../_trpc/client";
import { pxT, szT, type Activity, type MarketSummary, type TokenAmount } from "./market";
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

function describeHistory(a: Activity, m: MarketSummary | undefined): { what: string; detail: string } {
  const p = (price: TokenAmount | null) => (m ? pxT(m, price) : price ? formatToken(price) : "—");
  const s = (size: TokenAmount) => (m ? `${szT(m, size)} ${size.symbol}` : formatToken(size));
  const usd = (t: TokenAmount) => formatToken(t, { maxFraction: 2 });
  switch (a.kind) {
    case "orderAccepted":
      return {
        what: `${a.origin === "trigger" ? "Triggered order" : a.origin === "liquidation" ? "Liquidation order" : "Order"} #${a.orderId} accepted`,
        detail: `${a.side} ${s(a.size)} ${a.orderKind}${a.price !== null ? ` at ${p(a.price)}` : ""} ${a.tif}${a.postOnly ? " post-only" : ""}${a.reduceOnly ? " reduce-only" : ""}`,
      };
    case "orderDone":
      return { what: `Order #${a.orderId} ${a.reason}`, detail: `filled ${s(a.filled)}, remaining ${s(a.remaining)}` };
    case "orderAmended":
      return {
        what: `Order #${a.orderId} amended`,
        detail: `${s(a.size)} at ${p(a.price)}${a.keptPriority ? " (kept priority)" : ""}`,
      };
    case "triggerAccepted":
      return { what: `${TRIGGER_NAME[a.triggerKind]} #${a.orderId} set`, detail: `trigger ${p(a.trigger)}` };
    case "triggered":
      return { what: `${TRIGGER_NAME[a.triggerKind]} #${a.orderId} triggered`, detail: `trigger ${p(a.trigger)}` };
    case "triggerCancelled":
      return {
        what: `Trigger #${a.orderId} cancelled`,
        detail: a.reason === "oco" ? "its TP/SL partner fired" : a.reason,
      };
    case "liquidationStarted":
      return {
        what: "Liquidation started",
        detail: `equity ${usd(a.equity)} below maintenance ${usd(a.maintenance)}`,
      };
    case "liquidationFinished":
      return { what: "Liquidation finished", detail: `equity ${usd(a.equity)}` };
    default:
      return { what: a.kind, detail: "" };
  }
}

export function OrderHistory({ byMarket }: { byMarket: Map<string, MarketSummary> }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.account.history.queryOptions({ limit: 100, kinds: [...HISTORY_TYPES] }));
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
              const market = "market" in r.activity ? r.activity.market : null;
              const d = describeHistory(r.activity, market ? byMarket.get(market) : undefined);
              return (
                <tr key={`${r.seq}:${r.idx}`} data-testid="history-row">
                  <td className="num muted">{formatDateTime(Number(r.timeMs))}</td>
                  <td>{market ?? "—"}</td>
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
                  <td className="r num">{pxT(m, f.price)}</td>
                  <td className="r num">
                    {szT(m, f.size)} {f.size.symbol}
                  </td>
                  <td className="r num">
                    {formatToken(f.notional, { maxFraction: 2, minFraction: 2, symbol: false })}
                  </td>
                  <td className="r num" data-testid="fill-fee">
                    {formatToken(f.fee)}
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

export function Funding({ current }: { current: MarketSummary }) {
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
                return (
                  <tr key={`${f.seq}:${f.market}`}>
                    <td className="num muted">{formatDateTime(Number(f.timeMs))}</td>
                    <td>{f.market}</td>
                    <td className={`r num ${f.amount.value.startsWith("-") ? "down" : "up"}`}>
                      {formatToken(f.amount, { maxFraction: 2, minFraction: 2, signed: true })}
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
/**
 * Per asset: the cash balance (a perpetual long's purchase is a debit, so it may be below zero
 * while the position is worth more), what open orders hold, and what may be withdrawn now
 * (account.summary: never negative). "Available to trade" is the free collateral in the form.
 */
export function Balances() {
  const trpc = useTRPC();
  const q = useQuery(trpc.account.balances.queryOptions());
  const summary = useQuery(trpc.account.summary.queryOptions());
  const withdrawable = (asset: string) => summary.data?.withdrawable.find((w) => w.symbol === asset) ?? null;
  return (
    <Loadable q={q} empty="No balance yet: deposit on the channel screen to start trading.">
      {(rows) => (
        <table className="data dense" data-testid="exchange-balances">
          <thead>
            <tr>
              <th>Asset</th>
              <th className="r" title="Deposits, fills, fees and funding; a long's purchase is a debit">
                Cash balance
              </th>
              <th className="r">In orders</th>
              <th className="r">Withdrawable</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((b) => {
              const w = withdrawable(b.asset);
              return (
                <tr key={b.asset} data-testid={`exchange-balance-${b.asset}`}>
                  <td>{b.asset}</td>
                  <td className="r num" data-testid="available">
                    {formatToken(b.available, { symbol: false })}
                  </td>
                  <td className="r num">{formatToken(b.locked, { symbol: false })}</td>
                  <td className="r num" data-testid="withdrawable">
                    {w ? formatToken(w, { symbol: false }) : "—"}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Loadable>
  );
}
