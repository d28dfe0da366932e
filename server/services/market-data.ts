/**
 * Public market data: the book from the engine's memory, trades and candles from the Trade
 * read model (one row per fill), 24 h figures for the market list. Computed in base units
 * (prices per WHOLE base token); answered as version-1 wire DTOs (market-wire.ts).
 */
import type { EngineEvent } from "../../core/engine";
import { ClearlineError } from "../../core/errors";
import type { Db } from "../db";
import { decimalToBigint } from "../db/decimal";
import { priceFromPerLotDown } from "../engine/market-config";
import type { BookUpdate } from "../engine/feed-hub";
import type { EngineRuntime } from "../engine/runtime";
import {
  bookEnvelope,
  candlesDto,
  marketDto,
  tradeDto,
  wireLevels,
  type BookDto,
  type BookUpdateDto,
  type CandlesDto,
  type CandleUnits,
  type MarketDto,
  type TradeDto,
} from "./market-wire";
import { listMarkets, type MarketView } from "./markets";

function marketOf(rt: EngineRuntime, symbol: string): MarketView {
  const m = rt.market(symbol);
  if (m === null) throw new ClearlineError("MARKET_NOT_FOUND", `no market ${symbol}`, { market: symbol });
  return m;
}

/**
 * Aggregated depth. `grouping` (a multiple of the tick, per whole token) merges levels: bids
 * round down to the group, asks up, so a grouped level never looks better than the book.
 */
export function book(rt: EngineRuntime, symbol: string, depth: number, grouping?: bigint): BookDto {
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
  return {
    ...bookEnvelope(m),
    seq: raw.seq,
    bids: wireLevels(m, group(raw.d.bids, false)),
    asks: wireLevels(m, group(raw.d.asks, true)),
  };
}

/** A feed-hub book update (per-lot prices) as subscribers see it: prices per whole token, decimal strings. */
export function bookUpdateDto(m: MarketView, u: BookUpdate): BookUpdateDto {
  const conv = (rows: [bigint, bigint][]) =>
    wireLevels(
      m,
      rows.map(([perLot, size]) => [priceFromPerLotDown(m, perLot), size] as const),
    );
  return { ...bookEnvelope(m), kind: u.kind, seq: u.seq, timeMs: u.timeMs, bids: conv(u.bids), asks: conv(u.asks) };
}

/** A fill event of the live feed as a trade. */
export function tradeFromEvent(
  m: MarketView,
  seq: bigint,
  idx: number,
  timeMs: bigint,
  e: Extract<EngineEvent, { type: "fill" }>,
): TradeDto {
  return tradeDto(m, {
    seq,
    idx,
    price: priceFromPerLotDown(m, e.pricePerLot),
    size: e.sizeBase,
    takerSide: e.takerSide,
    timeMs,
  });
}

/** Recent trades, newest first; or, with `after`, the trades after that (seq, idx), oldest first (feed back-fill). */
export async function trades(
  rt: EngineRuntime,
  db: Db,
  symbol: string,
  opts: { limit: number; after?: { seq: bigint; idx: number } },
): Promise<TradeDto[]> {
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
  return rows.map((r) =>
    tradeDto(m, {
      seq: r.seq,
      idx: r.idx,
      price: priceFromPerLotDown(m, decimalToBigint(r.pricePerLot)),
      size: decimalToBigint(r.sizeBase),
      takerSide: r.takerSide === "sell" ? "sell" : "buy",
      timeMs: r.timeMs,
    }),
  );
}

/** OHLCV from fills in buckets of `intervalSec`, oldest first, over [fromMs, toMs). */
export async function candles(
  rt: EngineRuntime,
  db: Db,
  symbol: string,
  intervalSec: number,
  fromMs: bigint,
  toMs: bigint,
): Promise<CandlesDto> {
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
  const buckets = rows.map((r): CandleUnits => ({
    timeMs: BigInt(r.bucket),
    open: px(r.open),
    high: px(r.high),
    low: px(r.low),
    close: px(r.close),
    volume: BigInt(r.volume),
    trades: Number(r.trades),
  }));
  return candlesDto(m, intervalSec, buckets);
}

/** Every market: the Market table's row with its prices and 24 h figures (one DTO, market-wire.ts). */
export async function marketSummaries(db: Db, rt: EngineRuntime | null, nowMs: number): Promise<MarketDto[]> {
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
    return marketDto(v, {
      lastPrice: last,
      markPrice: conv(p.markPerLot),
      indexPrice: conv(p.indexPerLot),
      change24h: s !== undefined && last !== null ? last - priceFromPerLotDown(v, BigInt(s.open)) : null,
      volume24h: s === undefined ? 0n : BigInt(s.volume),
    });
  });
}
