"use client";
/** The open-orders tab: cancel and amend (co-signing the latest state first). */
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { formatAmount, readAmount } from "../_components/format";
import { toast } from "../_components/toast";
import { useTRPC } from "../_trpc/client";
import {
  baseUnits,
  newIdempotencyKey,
  px,
  pxT,
  quoteUnits,
  sz,
  szT,
  type MarketSummary,
  type OpenOrder,
} from "./market";
import { Loadable, useSignedAction } from "./account-parts";

export function OpenOrders({
  q,
  byMarket,
  empty = "No open orders.",
}: {
  q: { data?: OpenOrder[]; error: unknown; isPending: boolean; refetch: () => unknown };
  byMarket: Map<string, MarketSummary>;
  empty?: string;
}) {
  return (
    <Loadable q={q} empty={empty}>
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
  const orderPrice = quoteUnits(m, o.price);
  const orderSize = baseUnits(m, o.size);
  const [priceText, setPriceText] = useState(formatAmount(orderPrice, m.quote.decimals, { group: false }));
  const [sizeText, setSizeText] = useState(formatAmount(orderSize, m.base.decimals, { group: false }));

  async function doCancel() {
    try {
      await signed(() => cancel.mutateAsync({ idempotencyKey: newIdempotencyKey("cxl"), orderId: o.orderId }));
      toast.success(
        "Order cancelled",
        `#${o.orderId} ${o.side} ${szT(m, o.size)} ${o.size.symbol} at ${pxT(m, o.price)}.`,
      );
    } catch (e) {
      toast.fromError("Order not cancelled", e);
    }
  }
  async function doAmend(e: React.FormEvent) {
    e.preventDefault();
    // strict, as the order form: "0,5" is refused with its reason, never read as 5
    const pr = readAmount(priceText, m.quote.decimals);
    const sr = readAmount(sizeText, m.base.decimals);
    if (!pr.ok || !sr.ok) {
      toast.error("Order not amended", !pr.ok ? `Price: ${pr.reason}` : `Size: ${(sr as { reason: string }).reason}`);
      return;
    }
    const price = pr.value;
    const size = sr.value;
    try {
      await signed(() =>
        amend.mutateAsync({
          idempotencyKey: newIdempotencyKey("amd"),
          orderId: o.orderId,
          price: price !== orderPrice ? price : undefined,
          size: size !== orderSize ? size : undefined,
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
        <td className="r num">{pxT(m, o.price)}</td>
        <td className="r num">
          {szT(m, o.size)} {o.size.symbol}
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
