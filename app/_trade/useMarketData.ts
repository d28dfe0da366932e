"use client";
/**
 * Live market data: the book (feeds.book: a snapshot, then 100 ms diffs; size 0 removes a level)
 * and recent trades (markets.trades, then feeds.trades resumed after the newest one so nothing
 * is missed between the query and the stream).
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useMemo, useRef, useState } from "react";
import { useTRPC } from "../_trpc/client";
import { levelUnits, type Level, type MarketSummary, type Trade, type WireLevel } from "./market";

export interface BookState {
  /** [price per whole token, size] in base units, best first */
  bids: Level[];
  asks: Level[];
  seq: bigint;
  ready: boolean;
  error: unknown;
}

/** Apply wire levels (decimal strings, size "0" removes the level) to one side kept in base units. */
function applyLevels(m: MarketSummary, side: Map<bigint, bigint>, rows: WireLevel[]) {
  for (const row of rows) {
    const [p, s] = levelUnits(m, row);
    if (s === 0n) side.delete(p);
    else side.set(p, s);
  }
}

export function useBook(m: MarketSummary): BookState {
  const market = m.symbol;
  const trpc = useTRPC();
  const levels = useRef({ bids: new Map<bigint, bigint>(), asks: new Map<bigint, bigint>(), seq: 0n });
  const [version, setVersion] = useState(0);
  const [ready, setReady] = useState(false);
  const sub = useSubscription(
    trpc.feeds.book.subscriptionOptions(
      { market },
      {
        onData: (envelope) => {
          const u = envelope.data;
          const l = levels.current;
          if (u.kind === "snapshot") {
            l.bids.clear();
            l.asks.clear();
          }
          applyLevels(m, l.bids, u.bids);
          applyLevels(m, l.asks, u.asks);
          l.seq = u.seq;
          setReady(true);
          setVersion((v) => v + 1);
        },
      },
    ),
  );
  return useMemo(() => {
    const l = levels.current;
    const bids = [...l.bids.entries()].sort((a, b) => (a[0] > b[0] ? -1 : 1));
    const asks = [...l.asks.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    return { bids, asks, seq: l.seq, ready, error: sub.error };
  }, [version, ready, sub.error]);
}

/** Group levels to a multiple of `step`: bids round down, asks up (never shows a better price than exists). */
export function groupLevels(rows: Level[], step: bigint, side: "bid" | "ask"): Level[] {
  const out = new Map<bigint, bigint>();
  for (const [p, s] of rows) {
    const r = p % step;
    const g = r === 0n ? p : side === "bid" ? p - r : p - r + step;
    out.set(g, (out.get(g) ?? 0n) + s);
  }
  return [...out.entries()].sort((a, b) => (side === "bid" ? (a[0] > b[0] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
}

const MAX_TRADES = 60;

export function useTrades(market: string): { trades: Trade[]; ready: boolean; error: unknown } {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const queryOpts = trpc.markets.trades.queryOptions({ market, limit: MAX_TRADES });
  const initial = useQuery({ ...queryOpts, staleTime: Infinity });
  // resume after the newest trade the query returned; fixed once so later trades do not restart the stream
  const [resumeFrom, setResumeFrom] = useState<string | null | undefined>(undefined);
  if (resumeFrom === undefined && initial.isSuccess) setResumeFrom(initial.data[0]?.id ?? null);
  const newestId = resumeFrom ?? null;
  useSubscription(
    trpc.feeds.trades.subscriptionOptions(
      { market, lastEventId: newestId },
      {
        enabled: resumeFrom !== undefined,
        onData: (envelope) => {
          const t = envelope.data;
          queryClient.setQueryData(queryOpts.queryKey, (old: Trade[] | undefined) => {
            const rows = old ?? [];
            if (rows.some((r) => r.id === t.id)) return rows;
            return [t, ...rows].slice(0, MAX_TRADES);
          });
          // a trade moves the last price, 24 h figures and the current candle
          void queryClient.invalidateQueries({ queryKey: trpc.markets.list.queryKey() });
          void queryClient.invalidateQueries({ queryKey: trpc.markets.candles.queryKey() });
        },
      },
    ),
  );
  return { trades: initial.data ?? [], ready: initial.isSuccess, error: initial.error };
}
