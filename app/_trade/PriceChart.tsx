"use client";
/**
 * Candles (OHLC from fills) with volume, drawn with Recharts: each candle is a Bar over
 * [low, high] whose custom shape draws the wick and the open→close body. The frame has a fixed
 * height whether it shows a skeleton, a message or the chart, so nothing below it moves.
 * The wire sends each candle as a tuple of whole-token decimal strings (server/services/market-wire.ts);
 * they become JS numbers here only to place pixels and label the axis and tooltip, never for money.
 * Lines mark the mark price, the position's entry and liquidation price and the trader's orders.
 */
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Bar, CartesianGrid, ComposedChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ErrorMessage } from "../_components/ErrorMessage";
import { useTRPC } from "../_trpc/client";
import type { MarketSummary } from "./market";

const INTERVALS = [
  { sec: 60, label: "1m" },
  { sec: 300, label: "5m" },
  { sec: 900, label: "15m" },
  { sec: 3600, label: "1h" },
  { sec: 14_400, label: "4h" },
  { sec: 86_400, label: "1D" },
] as const;

interface Point {
  t: number;
  open: number;
  high: number;
  low: number;
  close: number;
  range: [number, number];
  volume: number;
  /** the exact figures for the tooltip */
  ohlc: string;
  volumeText: string;
}

interface CandleShapeProps {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  payload?: Point;
}

function CandleShape({ x = 0, y = 0, width = 0, height = 0, payload }: CandleShapeProps) {
  if (!payload) return null;
  const { open, close, high, low } = payload;
  const up = close >= open;
  const color = up ? "var(--buy)" : "var(--sell)";
  const span = high - low || 1;
  const yOf = (v: number) => y + ((high - v) / span) * height;
  const bodyTop = yOf(Math.max(open, close));
  const bodyH = Math.max(1, Math.abs(yOf(open) - yOf(close)));
  const cx = x + width / 2;
  const w = Math.max(1, width * 0.7);
  return (
    <g>
      <line x1={cx} x2={cx} y1={y} y2={y + Math.max(height, 1)} stroke={color} strokeWidth={1} />
      <rect x={cx - w / 2} y={bodyTop} width={w} height={bodyH} fill={color} />
    </g>
  );
}

/** A horizontal line over the candles: the mark, the position's entry and liquidation, the trader's orders. */
export interface ChartLine {
  /** whole-token decimal string (a wire value) */
  price: string;
  label: string;
  kind: "mark" | "entry" | "liquidation" | "buy" | "sell" | "trigger";
}

const LINE_COLOR: Record<ChartLine["kind"], string> = {
  mark: "var(--accent)",
  entry: "var(--text)",
  liquidation: "var(--warn)",
  buy: "var(--buy)",
  sell: "var(--sell)",
  trigger: "var(--muted)",
};

export function PriceChart({ market, lines = [] }: { market: MarketSummary; lines?: ChartLine[] }) {
  const trpc = useTRPC();
  const [intervalSec, setIntervalSec] = useState<number>(60);
  const q = useQuery({
    ...trpc.markets.candles.queryOptions({ market: market.symbol, intervalSec }),
    refetchInterval: 5_000,
  });
  const data = useMemo<Point[]>(
    () =>
      (q.data?.candles ?? []).map(([t, open, high, low, close, volume]) => ({
        t,
        open: Number(open),
        high: Number(high),
        low: Number(low),
        close: Number(close),
        range: [Number(low), Number(high)],
        volume: Number(volume),
        ohlc: `O ${open} H ${high} L ${low} C ${close}`,
        volumeText: volume,
      })),
    [q.data],
  );
  // no trades yet: an empty frame over the last 30 intervals, so the mark and the trader's lines still show
  const frame = useMemo<Point[]>(() => {
    if (data.length > 0 || lines.length === 0) return data;
    const now = Date.now();
    return [now - 30 * intervalSec * 1000, now].map((t) => ({ t }) as Point);
  }, [data, lines.length, intervalSec]);
  const prices = lines.map((l) => Number(l.price));
  const fmtTime = (t: number) =>
    new Date(t).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", hour12: false });

  return (
    <section className="panel chart" aria-labelledby="chart-title" data-testid="price-chart">
      <div className="panel-head">
        <h2 id="chart-title">Price</h2>
        <div className="seg" role="group" aria-label="Candle interval">
          {INTERVALS.map((i) => (
            <button
              key={i.sec}
              type="button"
              aria-pressed={intervalSec === i.sec}
              onClick={() => setIntervalSec(i.sec)}
            >
              {i.label}
            </button>
          ))}
        </div>
      </div>
      <div className="chart-frame">
        {q.error ? (
          <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />
        ) : !q.data ? (
          <span className="skeleton chart-skeleton" aria-label="Loading the chart" role="status" />
        ) : data.length === 0 && lines.length === 0 ? (
          <p className="muted chart-empty">No trades in this window yet: the chart starts with the first trade.</p>
        ) : (
          <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 600, height: 300 }}>
            <ComposedChart data={frame} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="var(--border)" vertical={false} />
              <XAxis dataKey="t" tickFormatter={fmtTime} stroke="var(--muted)" fontSize={11} minTickGap={40} />
              <YAxis
                yAxisId="p"
                orientation="right"
                domain={data.length === 0 ? [Math.min(...prices) * 0.99, Math.max(...prices) * 1.01] : ["auto", "auto"]}
                stroke="var(--muted)"
                fontSize={11}
                width={64}
                tickFormatter={(v: number) => v.toLocaleString(undefined, { maximumFractionDigits: 2 })}
              />
              <YAxis yAxisId="v" hide domain={[0, (max: number) => max * 4]} />
              <Tooltip
                contentStyle={{ background: "var(--panel-2)", border: "1px solid var(--border)", fontSize: 12 }}
                labelFormatter={(t) => new Date(Number(t)).toLocaleString()}
                formatter={(_v, name, item) => {
                  const p = (item as { payload: Point }).payload;
                  return name === "range" ? [p.ohlc, market.symbol] : [p.volumeText, `Volume (${market.base.symbol})`];
                }}
              />
              <Bar
                yAxisId="v"
                dataKey="volume"
                fill="color-mix(in srgb, var(--accent) 30%, transparent)"
                isAnimationActive={false}
                maxBarSize={14}
              />
              <Bar yAxisId="p" dataKey="range" shape={<CandleShape />} isAnimationActive={false} maxBarSize={14} />
              {lines.map((l) => (
                <ReferenceLine
                  key={`${l.kind}-${l.label}-${l.price}`}
                  yAxisId="p"
                  y={Number(l.price)}
                  stroke={LINE_COLOR[l.kind]}
                  strokeDasharray={l.kind === "mark" ? undefined : "4 3"}
                  // the liquidation price may be far away: drawn only when it is in view
                  ifOverflow={l.kind === "liquidation" ? "hidden" : "extendDomain"}
                  label={{ value: l.label, position: "insideLeft", fill: LINE_COLOR[l.kind], fontSize: 10 }}
                />
              ))}
            </ComposedChart>
          </ResponsiveContainer>
        )}
        {q.data && data.length === 0 && lines.length > 0 && (
          <p className="muted chart-note">No trades in this window yet: candles start with the first trade.</p>
        )}
      </div>
    </section>
  );
}
