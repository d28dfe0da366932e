"use client";
/** The positions tab: each position with its margin, PnL and liquidation price; edit TP/SL and close (co-signing the latest state first). */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatAmount, formatBps, formatToken, parseAmount, readAmount } from "../_components/format";
import { toast } from "../_components/toast";
import { useTRPC } from "../_trpc/client";
import {
  baseUnits,
  newIdempotencyKey,
  px,
  pxT,
  quoteAmt,
  quoteUnits,
  sz,
  szT,
  slippageBound,
  type MarketSummary,
  type Position,
} from "./market";
import { activeTriggers, Loadable, useSignedAction } from "./account-parts";
import { pnlAt as positionPnl } from "./order-preview";

const CLOSE_SLIPPAGE_BPS = 500n;

export function Positions({
  q,
  byMarket,
}: {
  q: { data?: Position[]; error: unknown; isPending: boolean; refetch: () => unknown };
  byMarket: Map<string, MarketSummary>;
}) {
  const trpc = useTRPC();
  const hist = useQuery(
    trpc.account.history.queryOptions({ limit: 200, kinds: ["triggerAccepted", "triggered", "triggerCancelled"] }),
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
                  tp={t?.takeProfit ? quoteUnits(m, t.takeProfit.trigger) : null}
                  sl={t?.stopLoss ? quoteUnits(m, t.stopLoss.trigger) : null}
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
  const size = baseUnits(m, p.size);
  const entryPrice = quoteUnits(m, p.entryPrice);
  const markPrice = p.markPrice && quoteUnits(m, p.markPrice);
  const long = size > 0n;
  const abs = long ? size : -size;

  async function close() {
    const mark = markPrice ?? entryPrice;
    const worst = slippageBound(m, mark, long ? "sell" : "buy", CLOSE_SLIPPAGE_BPS);
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
      if (baseUnits(m, r.remainingSize) > 0n)
        toast.warn(
          "Position partly closed",
          `${szT(m, r.filledSize)} of ${sz(m, abs)} ${m.base.symbol} closed: the book had no more liquidity within 5% of the mark.`,
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
    // strict, as the order form: "0,5" is refused with its reason, never read as 5
    const tpr = tpText.trim() ? readAmount(tpText, m.quote.decimals) : null;
    const slr = slText.trim() ? readAmount(slText, m.quote.decimals) : null;
    if ((tpr && !tpr.ok) || (slr && !slr.ok)) {
      const bad = tpr && !tpr.ok ? `Take-profit: ${tpr.reason}` : slr && !slr.ok ? `Stop-loss: ${slr.reason}` : "";
      toast.error("TP/SL not saved", `${bad} Leave a field empty to remove it.`);
      return;
    }
    const tpv = tpr?.ok ? tpr.value : null;
    const slv = slr?.ok ? slr.value : null;
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

  const pnlAt = (price: bigint | null) => (price === null ? null : positionPnl(m, size, entryPrice, price));
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
          {sz(m, abs)} {p.size.symbol}
        </td>
        <td className="r num">{pxT(m, p.entryPrice)}</td>
        <td className="r num" data-testid="position-mark">
          {pxT(m, p.markPrice)}
        </td>
        <td className="r num warn-text" data-testid="position-liq">
          {pxT(m, p.liquidationPrice)}
        </td>
        <td className={`r num ${p.unrealizedPnl.value.startsWith("-") ? "down" : "up"}`} data-testid="position-upnl">
          {formatToken(p.unrealizedPnl, { maxFraction: 2, minFraction: 2, signed: true })}
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
