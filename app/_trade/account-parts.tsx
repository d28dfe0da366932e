"use client";
/** What the account tabs share: the active TP/SL per market, co-sign-then-act, and a table that loads. */
import { type ReactNode } from "react";
import { useCoSignLatest } from "../_channel/useCoSign";
import { ErrorMessage } from "../_components/ErrorMessage";
import { SkeletonRows } from "../_components/Skeleton";
import { type HistoryRow, type TokenAmount } from "./market";

type ActiveTrigger = { orderId: number; trigger: TokenAmount };

/** Active TP/SL per market from the history's trigger activity (newest first): accepted and not yet triggered or cancelled. */
export function activeTriggers(
  rows: HistoryRow[],
): Map<string, { takeProfit?: ActiveTrigger; stopLoss?: ActiveTrigger }> {
  const done = new Set<number>();
  const out = new Map<string, { takeProfit?: ActiveTrigger; stopLoss?: ActiveTrigger }>();
  for (const { activity: a } of rows) {
    if (a.kind === "triggered" || a.kind === "triggerCancelled") done.add(a.orderId);
    else if (a.kind === "triggerAccepted" && !done.has(a.orderId) && a.triggerKind !== "stop") {
      const m = out.get(a.market) ?? {};
      if (!m[a.triggerKind]) m[a.triggerKind] = { orderId: a.orderId, trigger: a.trigger };
      out.set(a.market, m);
      done.add(a.orderId);
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
