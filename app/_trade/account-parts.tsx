"use client";
/** What the account tabs share: the active TP/SL per market, co-sign-then-act, and a table that loads. */
import { type ReactNode } from "react";
import { useCoSignLatest } from "../_channel/useCoSign";
import { ErrorMessage } from "../_components/ErrorMessage";
import { SkeletonRows } from "../_components/Skeleton";
import { type HistoryRow } from "./market";

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

export function useSignedAction() {
  const coSign = useCoSignLatest();
  return async <T,>(work: () => Promise<T>): Promise<T> => {
    if (coSign.pending.count > 0) await coSign.coSignLatest();
    return work();
  };
}

export function Loadable<T>({
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
