"use client";
/**
 * The trader's panels below the chart: positions (edit TP/SL, close), open orders (cancel,
 * amend), order history, fills, funding and balances. Every action co-signs the latest channel
 * state first when one is waiting (same rule as placing an order).
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useCoSignLatest } from "../_channel/useCoSign";
import { ErrorMessage } from "../_components/ErrorMessage";
import { SkeletonRows } from "../_components/Skeleton";
import { formatAmount, formatBps, formatDateTime, parseAmount } from "../_components/format";
import { toast } from "../_components/toast";
import { useTRPC } from "../_trpc/client";
import {
  newIdempotencyKey,
  perLotToWhole,
  px,
  quoteAmt,
  sz,
  toTick,
  type HistoryRow,
  type MarketSummary,
  type OpenOrder,
  type Position,
} from "./market";

type Tab = "positions" | "orders" | "history" | "fills" | "funding" | "balances";
const CLOSE_SLIPPAGE_BPS = 500n;

/** Active TP/SL per market from the history's trigger events (newest first): accepted and not yet triggered or cancelled. */
export function activeTriggers(
  rows: HistoryRow[],
): Map<string, { takeProfit?: { orderId: number; perLot: bigint }; stopLoss?: { orderId: number; perLot: bigint } }> {
  const done = new Set<number>();
  const out = new Map<
    string,
    { takeProfit?: { orderId: number; perLot: bigint }; stopLoss?: { orderId: number; perLot: bigint } }
  >();
  for (const r of rows) {
    const e = r.event;
    if (e.type === "triggered" || e.type === "triggerCancelled") done.add(e.orderId);
    else if (e.type === "triggerAccepted" && !done.has(e.orderId) && e.kind !== "stop") {
      const m = out.get(e.market) ?? {};
      if (!m[e.kind]) m[e.kind] = { orderId: e.orderId, perLot: e.triggerPerLot };
      out.set(e.market, m);
      done.add(e.orderId);
    }
  }
  return out;
}

function useSignedAction() {
  const coSign = useCoSignLatest();
  return async <T,>(work: () => Promise<T>): Promise<T> => {
    if (coSign.pending.count > 0) await coSign.coSignLatest();
    return work();
  };
}

export function AccountTabs({ markets, current }: { markets: MarketSummary[]; current: MarketSummary }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const signedIn = !!me.data;
  const [tab, setTab] = useState<Tab>("positions");
  const positions = useQuery({ ...trpc.account.positions.queryOptions(), enabled: signedIn, refetchInterval: 5_000 });
  const orders = useQuery({ ...trpc.account.openOrders.queryOptions(), enabled: signedIn });
  const byMarket = new Map(markets.map((m) => [m.symbol, m]));

  const tabs: [Tab, string][] = [
    ["positions", `Positions${positions.data?.length ? ` (${positions.data.length})` : ""}`],
    ["orders", `Open orders${orders.data?.length ? ` (${orders.data.length})` : ""}`],
    ["history", "Order history"],
    ["fills", "Fills"],
    ["funding", "Funding"],
    ["balances", "Balances"],
  ];

  return (
    <section className="panel account-tabs" aria-label="Your account" data-testid="account-tabs">
      <div className="tabs" role="tablist">
        {tabs.map(([t, label]) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            onClick={() => setTab(t)}
            data-testid={`tab-${t}`}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="tab-body" role="tabpanel">
        {!signedIn ? (
          <p className="muted">
            {me.isPending ? "…" : "Connect your wallet and sign in to see your positions, orders and balances."}
          </p>
        ) : tab === "positions" ? (
          <Positions q={positions} byMarket={byMarket} />
        ) : tab === "orders" ? (
          <OpenOrders q={orders} byMarket={byMarket} />
        ) : tab === "history" ? (
          <OrderHistory byMarket={byMarket} />
        ) : tab === "fills" ? (
          <Fills byMarket={byMarket} />
        ) : tab === "funding" ? (
          <Funding byMarket={byMarket} current={current} />
        ) : (
          <Balances />
        )}
      </div>
    </section>
  );
}

function Loadable<T>({
  q,
  empty,
  children,
}: {
  q: { data?: T[]; error: unknown; isPending: boolean; refetch: () => unknown };
  empty: string;
  children: (rows: T[]) => ReactNode;
}) {
  if (q.error) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  if (q.isPending || !q.data) return <SkeletonRows rows={3} />;
  if (q.data.length === 0) return <p className="muted">{empty}</p>;
  return <div className="table-scroll">{children(q.data)}</div>;
}

function Positions({
  q,
  byMarket,
}: {
  q: { data?: Position[]; error: unknown; isPending: boolean; refetch: () => unknown };
  byMarket: Map<string, MarketSummary>;
}) {
  const trpc = useTRPC();
  const hist = useQuery(
    trpc.account.history.queryOptions({ limit: 200, types: ["triggerAccepted", "triggered", "triggerCancelled"] }),
  );
  const triggers = activeTriggers(hist.data?.rows ?? []);
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <Loadable q={q} empty="No open positions.">
      {(rows) => (
        <table className="data dense" data-testid="positions">
          <thead>
            <tr>
              <th>Market</th>
              <th className="r">Size</th>
              <th className="r">Entry</th>
              <th className="r">Mark</th>
              <th className="r">Liq. price</th>
              <th className="r">Unrealized PnL</th>
              <th className="r">Margin ratio</th>
              <th>TP / SL</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => {
              const m = byMarket.get(p.market);
              if (!m) return null;
              const t = triggers.get(p.market);
              return (
                <PositionRow
                  key={p.market}
                  p={p}
                  m={m}
                  tp={t?.takeProfit ? perLotToWhole(m, t.takeProfit.perLot) : null}
                  sl={t?.stopLoss ? perLotToWhole(m, t.stopLoss.perLot) : null}
                  editing={editing === p.market}
                  setEditing={(on) => setEditing(on ? p.market : null)}
                />
              );
            })}
          </tbody>
        </table>
      )}
    </Loadable>
  );
}

function PositionRow({
  p,
  m,
  tp,
  sl,
  editing,
  setEditing,
}: {
  p: Position;
  m: MarketSummary;
  tp: bigint | null;
  sl: bigint | null;
  editing: boolean;
  setEditing: (on: boolean) => void;
}) {
  const trpc = useTRPC();
  const signed = useSignedAction();
  const place = useMutation(trpc.orders.place.mutationOptions());
  const setTpSl = useMutation(trpc.orders.setTpSl.mutationOptions());
  const [tpText, setTpText] = useState(tp !== null ? formatAmount(tp, m.quote.decimals, { group: false }) : "");
  const [slText, setSlText] = useState(sl !== null ? formatAmount(sl, m.quote.decimals, { group: false }) : "");
  const [closing, setClosing] = useState(false);
  const long = p.size > 0n;
  const abs = long ? p.size : -p.size;

  async function close() {
    const mark = p.markPrice ?? p.entryPrice;
    const worst = long
      ? toTick((mark * (10_000n - CLOSE_SLIPPAGE_BPS)) / 10_000n, m.tickSize, "down")
      : toTick((mark * (10_000n + CLOSE_SLIPPAGE_BPS)) / 10_000n, m.tickSize, "up");
    setClosing(true);
    try {
      const r = await signed(() =>
        place.mutateAsync({
          idempotencyKey: newIdempotencyKey("close"),
          market: m.symbol,
          side: long ? "sell" : "buy",
          type: "market",
          size: abs,
          worstPrice: worst,
          reduceOnly: true,
        }),
      );
      if (r.remainingSize > 0n)
        toast.warn(
          "Position partly closed",
          `${sz(m, r.filledSize)} of ${sz(m, abs)} ${m.base.symbol} closed: the book had no more liquidity within 5% of the mark.`,
        );
      else toast.success("Position closed", `${m.symbol}: ${sz(m, abs)} ${m.base.symbol} at market.`);
    } catch (e) {
      toast.fromError("Position not closed", e);
    } finally {
      setClosing(false);
    }
  }

  async function saveTpSl(e: React.FormEvent) {
    e.preventDefault();
    const tpv = tpText.trim() ? parseAmount(tpText, m.quote.decimals) : null;
    const slv = slText.trim() ? parseAmount(slText, m.quote.decimals) : null;
    if ((tpText.trim() && tpv === null) || (slText.trim() && slv === null)) {
      toast.error("TP/SL not saved", "Enter prices as numbers, or leave a field empty to remove it.");
      return;
    }
    try {
      await signed(() =>
        setTpSl.mutateAsync({
          idempotencyKey: newIdempotencyKey("tpsl"),
          market: m.symbol,
          takeProfit: tpv,
          stopLoss: slv,
        }),
      );
      toast.success(
        "TP/SL saved",
        `${m.symbol}: take-profit ${tpv !== null ? px(m, tpv) : "none"}, stop-loss ${slv !== null ? px(m, slv) : "none"}.`,
      );
      setEditing(false);
    } catch (err) {
      toast.fromError("TP/SL not saved", err);
    }
  }

  const pnlAt = (price: bigint | null) =>
    price === null ? null : ((price - p.entryPrice) * p.size) / 10n ** BigInt(m.base.decimals);
  /** Estimated PnL if the position closed at the typed price, or nothing while the text is not a price. */
  const pnlHint = (text: string): string => {
    const pnl = pnlAt(parseAmount(text, m.quote.decimals));
    return pnl === null ? "" : `${quoteAmt(m, pnl, true)} ${m.quote.symbol}`;
  };
  return (
    <>
      <tr data-testid={`position-${m.symbol}`}>
        <td>
          <strong>{m.symbol}</strong> <span className={`badge ${long ? "ok" : "bad"}`}>{long ? "Long" : "Short"}</span>
        </td>
        <td className={`r num ${long ? "up" : "down"}`} data-testid="position-size">
          {sz(m, p.size)} {m.base.symbol}
        </td>
        <td className="r num">{px(m, p.entryPrice)}</td>
        <td className="r num" data-testid="position-mark">
          {px(m, p.markPrice)}
        </td>
        <td className="r num warn-text" data-testid="position-liq">
          {px(m, p.liquidationPrice)}
        </td>
        <td className={`r num ${p.unrealizedPnlQuote >= 0n ? "up" : "down"}`} data-testid="position-upnl">
          {quoteAmt(m, p.unrealizedPnlQuote, true)} {m.quote.symbol}
        </td>
        <td className="r num" data-testid="position-margin-ratio">
          {p.marginRatioBps !== null ? formatBps(p.marginRatioBps) : "—"}
        </td>
        <td className="num" data-testid="position-tpsl">
          <span className="up">{tp !== null ? px(m, tp) : "—"}</span> /{" "}
          <span className="down">{sl !== null ? px(m, sl) : "—"}</span>
        </td>
        <td className="r actions">
          <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>
            TP/SL
          </button>
          <button type="button" onClick={close} disabled={closing} data-testid="close-position">
            {closing ? "Closing…" : "Close"}
          </button>
        </td>
      </tr>
      {editing && (
        <tr className="edit-row">
          <td colSpan={9}>
            <form className="inline-form" onSubmit={saveTpSl}>
              <label>
                Take profit{" "}
                <input
                  inputMode="decimal"
                  value={tpText}
                  onChange={(e) => setTpText(e.target.value)}
                  placeholder="none"
                  aria-label="Take-profit price"
                />
                <span className="num muted">{pnlHint(tpText)}</span>
              </label>
              <label>
                Stop loss{" "}
                <input
                  inputMode="decimal"
                  value={slText}
                  onChange={(e) => setSlText(e.target.value)}
                  placeholder="none"
                  aria-label="Stop-loss price"
                />
                <span className="num muted">{pnlHint(slText)}</span>
              </label>
              <button type="submit" className="primary" disabled={setTpSl.isPending}>
                {setTpSl.isPending ? "Saving…" : "Save"}
              </button>
              <button type="button" onClick={() => setEditing(false)}>
                Cancel
              </button>
            </form>
          </td>
        </tr>
      )}
    </>
  );
}

function OpenOrders({
  q,
  byMarket,
}: {
  q: { data?: OpenOrder[]; error: unknown; isPending: boolean; refetch: () => unknown };
  byMarket: Map<string, MarketSummary>;
}) {
  return (
    <Loadable q={q} empty="No open orders.">
      {(rows) => (
        <table className="data dense" data-testid="open-orders">
          <thead>
            <tr>
              <th>Market</th>
              <th>Side</th>
              <th className="r">Price</th>
              <th className="r">Remaining</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((o) =>
              byMarket.get(o.market) ? <OrderRow key={o.orderId} o={o} m={byMarket.get(o.market)!} /> : null,
            )}
          </tbody>
        </table>
      )}
    </Loadable>
  );
}

function OrderRow({ o, m }: { o: OpenOrder; m: MarketSummary }) {
  const trpc = useTRPC();
  const signed = useSignedAction();
  const cancel = useMutation(trpc.orders.cancel.mutationOptions());
  const amend = useMutation(trpc.orders.amend.mutationOptions());
  const [editing, setEditing] = useState(false);
  const [priceText, setPriceText] = useState(formatAmount(o.price, m.quote.decimals, { group: false }));
  const [sizeText, setSizeText] = useState(formatAmount(o.size, m.base.decimals, { group: false }));

  async function doCancel() {
    try {
      await signed(() => cancel.mutateAsync({ idempotencyKey: newIdempotencyKey("cxl"), orderId: o.orderId }));
      toast.success(
        "Order cancelled",
        `#${o.orderId} ${o.side} ${sz(m, o.size)} ${m.base.symbol} at ${px(m, o.price)}.`,
      );
    } catch (e) {
      toast.fromError("Order not cancelled", e);
    }
  }
  async function doAmend(e: React.FormEvent) {
    e.preventDefault();
    const price = parseAmount(priceText, m.quote.decimals);
    const size = parseAmount(sizeText, m.base.decimals);
    if (price === null || size === null) {
      toast.error("Order not amended", "Enter the new price and size as numbers.");
      return;
    }
    try {
      await signed(() =>
        amend.mutateAsync({
          idempotencyKey: newIdempotencyKey("amd"),
          orderId: o.orderId,
          price: price !== o.price ? price : undefined,
          size: size !== o.size ? size : undefined,
        }),
      );
      toast.success("Order amended", `#${o.orderId}: ${sz(m, size)} ${m.base.symbol} at ${px(m, price)}.`);
      setEditing(false);
    } catch (err) {
      toast.fromError("Order not amended", err);
    }
  }
  return (
    <>
      <tr data-testid="open-order">
        <td>{m.symbol}</td>
        <td className={o.side === "buy" ? "up" : "down"}>{o.side === "buy" ? "Buy" : "Sell"}</td>
        <td className="r num">{px(m, o.price)}</td>
        <td className="r num">
          {sz(m, o.size)} {m.base.symbol}
        </td>
        <td className="r actions">
          <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>
            Amend
          </button>
          <button type="button" onClick={doCancel} disabled={cancel.isPending} data-testid="cancel-order">
            {cancel.isPending ? "Cancelling…" : "Cancel"}
          </button>
        </td>
      </tr>
      {editing && (
        <tr className="edit-row">
          <td colSpan={5}>
            <form className="inline-form" onSubmit={doAmend}>
              <label>
                Price{" "}
                <input
                  inputMode="decimal"
                  value={priceText}
                  onChange={(e) => setPriceText(e.target.value)}
                  aria-label="New price"
                />
              </label>
              <label>
                Size{" "}
                <input
                  inputMode="decimal"
                  value={sizeText}
                  onChange={(e) => setSizeText(e.target.value)}
                  aria-label="New size"
                />
              </label>
              <button type="submit" className="primary" disabled={amend.isPending}>
                {amend.isPending ? "Amending…" : "Amend"}
              </button>
              <button type="button" onClick={() => setEditing(false)}>
                Cancel
              </button>
            </form>
          </td>
        </tr>
      )}
    </>
  );
}

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

function OrderHistory({ byMarket }: { byMarket: Map<string, MarketSummary> }) {
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

function Fills({ byMarket }: { byMarket: Map<string, MarketSummary> }) {
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

function Funding({ byMarket, current }: { byMarket: Map<string, MarketSummary>; current: MarketSummary }) {
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
