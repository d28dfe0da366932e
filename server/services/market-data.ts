/**
 * Public market data: the book from the engine's memory, trades and candles from the Trade
 * read model (one row per fill), 24 h figures for the market list. Prices per WHOLE base
 * token (quote base units), sizes in base units.
 */
import type { EngineEvent } from "../../core/engine";
import { ClearlineError } from "../../core/errors";
import type { Db } from "../db";
import { decimalToBigint } from "../db/decimal";
import { priceFromPerLotDown } from "../engine/market-config";
import type { EngineRuntime } from "../engine/runtime";
import { listMarkets, type MarketView } from "./markets";

function marketOf(rt: EngineRuntime, symbol: string): MarketView {
  const m = rt.market(symbol);
  if (m === null) throw new ClearlineError("MARKET_NOT_FOUND", `no market ${symbol}`, { market: symbol });
  return m;
}

export interface BookView {
  market: string;
  /** the journal seq the book reflects (at least) */
  seq: bigint;
  /** [price per whole token, size in base units], best first */
  bids: [bigint, bigint][];
  asks: [bigint, bigint][];
}

/**
 * Aggregated depth. `grouping` (a multiple of the tick, per whole token) merges levels: bids
 * round down to the group, asks up, so a grouped level never looks better than the book.
 */
export function book(rt: EngineRuntime, symbol: string, depth: number, grouping?: bigint): BookView {
  const m = marketOf(rt, symbol);
  if (grouping !== undefined && (grouping <= 0n || grouping % m.tickSize !== 0n))
    throw new ClearlineError("INVALID_INPUT", `grouping must be a positive multiple of the tick ${m.tickSize}`, {
      grouping,
      tick: m.tickSize,
    });
  const raw = rt.read((ex) => ({
    d: ex.depth(symbol, grouping === undefined ? depth : Math.min(depth * 50, 5_000)),
    seq: rt.status().sequence,
  }));
  const group = (rows: [bigint, bigint][], up: boolean): [bigint, bigint][] => {
    const out: [bigint, bigint][] = [];
    for (const [perLot, size] of rows) {
      let p = priceFromPerLotDown(m, perLot);
      if (grouping !== undefined) p = up ? ((p + grouping - 1n) / grouping) * grouping : (p / grouping) * grouping;
      const last = out[out.length - 1];
      if (last !== undefined && last[0] === p) last[1] += size;
      else out.push([p, size]);
    }
    return out.slice(0, depth);
  };
  return { market: symbol, seq: raw.seq, bids: group(raw.d.bids, false), asks: group(raw.d.asks, true) };
}

export interface TradeView {
  /** `${seq}:${idx}`, the feed's tracked id */
  id: string;
  seq: bigint;
  market: string;
  price: bigint;
  size: bigint;
  takerSide: "buy" | "sell";
  timeMs: bigint;
}

export function tradeFromEvent(
  m: MarketView,
  seq: bigint,
  idx: number,
  timeMs: bigint,
  e: Extract<EngineEvent, { type: "fill" }>,
): TradeView {
  return {
    id: `${seq}:${idx}`,
    seq,
    market: e.market,
    price: priceFromPerLotDown(m, e.pricePerLot),
    size: e.sizeBase,
    takerSide: e.takerSide,
    timeMs,
  };
}

/** Recent trades, newest first; or, with `after`, the trades after that (seq, idx), oldest first (feed back-fill). */
export async function trades(
  rt: EngineRuntime,
  db: Db,
  symbol: string,
  opts: { limit: number; after?: { seq: bigint; idx: number } },
): Promise<TradeView[]> {
  const m = marketOf(rt, symbol);
  const after = opts.after;
  const rows = await db.trade.findMany({
    where: {
      market: symbol,
      ...(after === undefined ? {} : { OR: [{ seq: { gt: after.seq } }, { seq: after.seq, idx: { gt: after.idx } }] }),
    },
    orderBy: after === undefined ? [{ seq: "desc" }, { idx: "desc" }] : [{ seq: "asc" }, { idx: "asc" }],
    take: opts.limit,
    select: { seq: true, idx: true, pricePerLot: true, sizeBase: true, takerSide: true, timeMs: true },
  });
  return rows.map((r) => ({
    id: `${r.seq}:${r.idx}`,
    seq: r.seq,
    market: symbol,
    price: priceFromPerLotDown(m, decimalToBigint(r.pricePerLot)),
    size: decimalToBigint(r.sizeBase),
    takerSide: r.takerSide === "sell" ? "sell" : "buy",
    timeMs: r.timeMs,
  }));
}

export interface Candle {
  /** bucket start, ms since epoch */
  timeMs: bigint;
  open: bigint;
  high: bigint;
  low: bigint;
  close: bigint;
  /** base units */
  volume: bigint;
  trades: number;
}

/** OHLCV from fills in buckets of `intervalSec`, oldest first, over [fromMs, toMs). */
export async function candles(
  rt: EngineRuntime,
  db: Db,
  symbol: string,
  intervalSec: number,
  fromMs: bigint,
  toMs: bigint,
): Promise<Candle[]> {
  const m = marketOf(rt, symbol);
  const interval = BigInt(intervalSec) * 1000n;
  const rows = await db.$queryRawUnsafe<
    { bucket: string; open: string; high: string; low: string; close: string; volume: string; trades: number }[]
  >(
    `SELECT ("timeMs" / $2::bigint) * $2::bigint AS bucket,
            ((array_agg("pricePerLot" ORDER BY seq, idx))[1])::text AS open,
            max("pricePerLot")::text AS high, min("pricePerLot")::text AS low,
            ((array_agg("pricePerLot" ORDER BY seq DESC, idx DESC))[1])::text AS close,
            sum("sizeBase")::text AS volume, count(*)::int AS trades
       FROM "Trade"
      WHERE market = $1 AND "timeMs" >= $3::bigint AND "timeMs" < $4::bigint
      GROUP BY 1 ORDER BY 1`,
    symbol,
    interval.toString(),
    fromMs.toString(),
    toMs.toString(),
  );
  const px = (s: string) => priceFromPerLotDown(m, BigInt(s));
  return rows.map((r) => ({
    timeMs: BigInt(r.bucket),
    open: px(r.open),
    high: px(r.high),
    low: px(r.low),
    close: px(r.close),
    volume: BigInt(r.volume),
    trades: Number(r.trades),
  }));
}

export interface MarketSummary extends MarketView {
  lastPrice: bigint | null;
  markPrice: bigint | null;
  indexPrice: bigint | null;
  /** last price minus the first trade price of the last 24 h (null without trades in that window) */
  change24h: bigint | null;
  /** base units traded in the last 24 h */
  volume24h: bigint;
}

/** Every market with its prices and 24 h figures. */
export async function marketSummaries(db: Db, rt: EngineRuntime | null, nowMs: number): Promise<MarketSummary[]> {
  const views = await listMarkets(db);
  const since = BigInt(nowMs) - 86_400_000n;
  const stats = await db.$queryRawUnsafe<{ market: string; open: string; volume: string }[]>(
    `SELECT market, ((array_agg("pricePerLot" ORDER BY seq, idx))[1])::text AS open, sum("sizeBase")::text AS volume
       FROM "Trade" WHERE "timeMs" >= $1::bigint GROUP BY market`,
    since.toString(),
  );
  const byMarket = new Map(stats.map((s) => [s.market, s]));
  return views.map((v) => {
    const p = rt?.read((ex) => ex.prices(v.symbol)) ?? { markPerLot: null, indexPerLot: null, lastPerLot: null };
    const conv = (x: bigint | null) => (x === null ? null : priceFromPerLotDown(v, x));
    const s = byMarket.get(v.symbol);
    const last = conv(p.lastPerLot);
    return {
      ...v,
      lastPrice: last,
      markPrice: conv(p.markPerLot),
      indexPrice: conv(p.indexPerLot),
      change24h: s !== undefined && last !== null ? last - priceFromPerLotDown(v, BigInt(s.open)) : null,
      volume24h: s === undefined ? 0n : BigInt(s.volume),
    };
  });
}
