"use client";
/**
 * Pending trigger orders (account.triggerOrders): stops, take-profits and stop-losses with their
 * type, trigger, size and status, each cancellable; and "cancel all" for every open and pending
 * order. They are not on the book until they fire, so they are listed apart from resting orders.
 */
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "../_components/toast";
import { useTRPC } from "../_trpc/client";
import { useSignedAction } from "./account-parts";
import { newIdempotencyKey, pxT, szT, type MarketSummary, type TriggerOrder } from "./market";

const TYPE_NAME: Record<TriggerOrder["type"], string> = {
  stopMarket: "Stop market",
  stopLimit: "Stop limit",
  takeProfit: "Take-profit",
  stopLoss: "Stop-loss",
};

export function TriggerOrdersTable({ rows, byMarket }: { rows: TriggerOrder[]; byMarket: Map<string, MarketSummary> }) {
  if (rows.length === 0) return null;
  return (
    <div className="table-scroll">
      <h3 className="table-title">Trigger orders</h3>
      <table className="data dense" data-testid="trigger-orders">
        <thead>
          <tr>
            <th>Market</th>
            <th>Type</th>
            <th>Side</th>
            <th className="r">Trigger</th>
            <th className="r">Price</th>
            <th className="r">Size</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((t) =>
            byMarket.get(t.market) ? <TriggerRow key={t.orderId} t={t} m={byMarket.get(t.market)!} /> : null,
          )}
        </tbody>
      </table>
    </div>
  );
}

function TriggerRow({ t, m }: { t: TriggerOrder; m: MarketSummary }) {
  const trpc = useTRPC();
  const signed = useSignedAction();
  const cancel = useMutation(trpc.orders.cancel.mutationOptions());
  async function doCancel() {
    try {
      await signed(() => cancel.mutateAsync({ idempotencyKey: newIdempotencyKey("cxl"), orderId: t.orderId }));
      toast.success(
        "Trigger order cancelled",
        `#${t.orderId} ${TYPE_NAME[t.type]} at ${pxT(m, t.trigger)} on ${m.symbol}.`,
      );
    } catch (e) {
      toast.fromError("Trigger order not cancelled", e);
    }
  }
  return (
    <tr data-testid="trigger-order">
      <td>{m.symbol}</td>
      <td>{TYPE_NAME[t.type]}</td>
      <td className={t.side === "buy" ? "up" : t.side === "sell" ? "down" : ""}>
        {t.side === "buy" ? "Buy" : t.side === "sell" ? "Sell" : "Close"}
      </td>
      <td className="r num">{pxT(m, t.trigger)}</td>
      <td className="r num">{t.price ? pxT(m, t.price) : "Market"}</td>
      <td className="r num">{t.size ? `${szT(m, t.size)} ${t.size.symbol}` : "Whole position"}</td>
      <td>
        <span className="badge">Waiting for trigger</span>
      </td>
      <td className="r actions">
        <button type="button" onClick={doCancel} disabled={cancel.isPending} data-testid="cancel-trigger">
          {cancel.isPending ? "Cancelling…" : "Cancel"}
        </button>
      </td>
    </tr>
  );
}

/** Cancel every resting and pending order of the account, one after the other (one co-signature first). */
export function CancelAll({ orderIds }: { orderIds: number[] }) {
  const trpc = useTRPC();
  const signed = useSignedAction();
  const cancel = useMutation(trpc.orders.cancel.mutationOptions());
  const [busy, setBusy] = useState(false);
  if (orderIds.length === 0) return null;
  async function run() {
    setBusy(true);
    let done = 0;
    try {
      await signed(async () => {
        for (const orderId of orderIds) {
          await cancel.mutateAsync({ idempotencyKey: newIdempotencyKey("cxl"), orderId });
          done++;
        }
      });
      toast.success("All orders cancelled", `${done} order${done === 1 ? "" : "s"} cancelled.`);
    } catch (e) {
      toast.fromError(`Cancelled ${done} of ${orderIds.length} orders`, e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <button type="button" className="cancel-all" onClick={run} disabled={busy} data-testid="cancel-all">
      {busy ? "Cancelling…" : `Cancel all (${orderIds.length})`}
    </button>
  );
}
