/**
 * What the trader is told about an event of their own account feed (outside React, unit-tested):
 * fills, liquidations and every outcome of a trigger — fired, then filled (the fill's toast),
 * expired unfilled, ended or refused; removed with its position, by liquidation or by its OCO
 * partner. A refusal of the trader's own order is not repeated (the form that sent it said so),
 * nor are the trader's own cancels and replacements (announced where they were taken).
 */
import { formatToken } from "../_components/format";
import type { ToastKind } from "../_components/toast";
import { pxT, szT, type Activity, type MarketSummary } from "./market";

const TRIGGER_NAME = { takeProfit: "Take-profit", stopLoss: "Stop-loss", stop: "Stop order" } as const;

export function describeFillForToast(
  f: Extract<Activity, { kind: "fill" }>,
  m: MarketSummary | undefined,
): { title: string; body: string } {
  const verb = m?.kind === "PERP" ? (f.side === "buy" ? "Long" : "Short") : f.side === "buy" ? "Bought" : "Sold";
  if (!m) return { title: `Filled on ${f.market}`, body: "" };
  return {
    title: f.liquidation ? `Liquidation fill on ${m.symbol}` : `Order filled (${f.role})`,
    body: `${verb} ${szT(m, f.size)} ${f.size.symbol} at ${pxT(m, f.price)} ${f.price.symbol} on ${m.symbol}; fee ${formatToken(f.fee)}`,
  };
}

export interface ActivityToast {
  kind: Exclude<ToastKind, "success">;
  title: string;
  body: string;
}

/**
 * The toast for one activity, or null. `fired` holds the ids of triggers that fired and whose
 * order has not ended yet (the order a trigger places carries the trigger's id); it is updated.
 */
export function activityToast(a: Activity, m: MarketSummary | undefined, fired: Set<number>): ActivityToast | null {
  switch (a.kind) {
    case "fill": {
      const t = describeFillForToast(a, m);
      return { kind: a.liquidation ? "warn" : "fill", ...t };
    }
    case "triggered":
      fired.add(a.orderId);
      return {
        kind: "info",
        title: `${TRIGGER_NAME[a.triggerKind]} triggered on ${a.market}`,
        body: `Trigger ${m ? pxT(m, a.trigger) : a.trigger.value} ${a.trigger.symbol} reached (price ${m ? pxT(m, a.price) : a.price.value}); its order is sent.`,
      };
    case "orderDone": {
      if (!fired.delete(a.orderId) || a.reason === "filled") return null;
      const filledAny = !/^0(\.0*)?$/.test(a.filled.value);
      return {
        kind: "warn",
        title:
          a.reason === "expired"
            ? `Triggered order ${filledAny ? "partly filled" : "expired unfilled"} on ${a.market}`
            : `Triggered order ended on ${a.market}`,
        body: `Order #${a.orderId}: ${a.reason}; filled ${formatToken(a.filled)}, ${formatToken(a.remaining)} not filled${a.reason === "expired" ? " (no liquidity within its price bound)" : ""}.`,
      };
    }
    case "triggerCancelled":
      if (a.reason === "oco")
        return {
          kind: "info",
          title: `Protective order cancelled on ${a.market}`,
          body: "Its take-profit / stop-loss partner fired first (one cancels the other).",
        };
      if (a.reason === "positionClosed")
        return {
          kind: "info",
          title: `Trigger order #${a.orderId} removed on ${a.market}`,
          body: "The position it protected is closed.",
        };
      if (a.reason === "liquidation")
        return {
          kind: "warn",
          title: `Trigger order #${a.orderId} removed on ${a.market}`,
          body: "The position was liquidated.",
        };
      return null;
    case "liquidationStarted":
      return {
        kind: "warn",
        title: "Liquidation",
        body: "Your account fell below maintenance margin: positions are being closed. Add collateral to avoid this.",
      };
    case "rejected":
      return a.orderId !== null && fired.delete(a.orderId)
        ? { kind: "error", title: "Triggered order refused", body: a.message }
        : null;
    default:
      return null;
  }
}
