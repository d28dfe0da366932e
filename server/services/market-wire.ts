/**
 * Public market data on the wire (version 1): what `markets.list`, `markets.book`,
 * `markets.trades`, `markets.candles`, `feeds.book` and `feeds.trades` send. The services
 * compute in integer base units; these converters are where the market's decimals apply
 * (through wire-units.ts), so no procedure converts anything itself.
 *
 * Shapes (amounts are whole-token decimal strings, never floats; prices are quote per ONE WHOLE
 * base token, rounded down from the engine's per-lot units):
 * - a market: the Market table's row (`MarketView`) with tick, lot and minimum notional as
 *   TokenAmounts (`{ value: "0.01", symbol: "USDC" }`), the asset decimals the inputs need (inputs
 *   stay integer base units), and the live figures (last, mark, index, 24 h change and volume);
 * - a book (and each `feeds.book` update): the symbols once on the envelope (`base`, `quote`) and
 *   the levels as compact `[price, size]` tuples of decimal strings, best first (in a diff, size
 *   "0" removes the level). The update is hot (every 100 ms to every subscriber), so the tuples
 *   carry no symbols and no bigints (nothing for superjson to annotate);
 * - a trade: one object with TokenAmounts, like a fill in `account.fills`;
 * - candles: the symbols once on the envelope, each candle a tuple
 *   `[timeMs, open, high, low, close, volume, trades]` where timeMs (ms since epoch, < 2^53) and the
 *   trade count are numbers and the rest decimal strings.
 */
import { z } from "zod";
import type { MarketView } from "../../core/market/view";
import { baseAmount, decimalOf, quoteAmount, tokenAmount } from "./wire-units";

export const MARKET_WIRE_VERSION = 1 as const;
const v = z.literal(MARKET_WIRE_VERSION);
const decimal = tokenAmount.shape.value;
const symbol = z.string().max(16);
const asset = z.object({ symbol, decimals: z.number().int() });

export const marketSchema = z.object({
  v,
  symbol: z.string(),
  kind: z.enum(["SPOT", "PERP"]),
  status: z.enum(["ACTIVE", "HALTED"]),
  base: asset,
  quote: asset,
  /** price increment, per whole base token */
  tickSize: tokenAmount,
  /** size increment */
  lotSize: tokenAmount,
  /** smallest order value (reduce-only orders are exempt) */
  minNotional: tokenAmount,
  maxLeverage: z.number().int(),
  initialMarginBps: z.number().int(),
  maintenanceMarginBps: z.number().int(),
  makerFeePips: z.number().int(),
  takerFeePips: z.number().int(),
  fundingIntervalSec: z.number().int().nullable(),
  fundingCapPips: z.number().int().nullable(),
  lastPrice: tokenAmount.nullable(),
  markPrice: tokenAmount.nullable(),
  indexPrice: tokenAmount.nullable(),
  /** last price minus the first trade price of the last 24 h (null without trades in that window) */
  change24h: tokenAmount.nullable(),
  volume24h: tokenAmount,
});
export type MarketDto = z.infer<typeof marketSchema>;

/** What the market list adds to the catalogue's row, in base units (prices per whole token). */
export interface MarketStats {
  lastPrice: bigint | null;
  markPrice: bigint | null;
  indexPrice: bigint | null;
  change24h: bigint | null;
  volume24h: bigint;
}

/** The one market shape: the Market table's row plus its live figures. */
export function marketDto(m: MarketView, s: MarketStats): MarketDto {
  const price = (p: bigint | null) => (p === null ? null : quoteAmount(m, p));
  return {
    v: MARKET_WIRE_VERSION,
    symbol: m.symbol,
    kind: m.kind,
    status: m.status,
    base: { symbol: m.base.symbol, decimals: m.base.decimals },
    quote: { symbol: m.quote.symbol, decimals: m.quote.decimals },
    tickSize: quoteAmount(m, m.tickSize),
    lotSize: baseAmount(m, m.lotSize),
    minNotional: quoteAmount(m, m.minNotional),
    maxLeverage: m.maxLeverage,
    initialMarginBps: m.initialMarginBps,
    maintenanceMarginBps: m.maintenanceMarginBps,
    makerFeePips: m.makerFeePips,
    takerFeePips: m.takerFeePips,
    fundingIntervalSec: m.fundingIntervalSec,
    fundingCapPips: m.fundingCapPips,
    lastPrice: price(s.lastPrice),
    markPrice: price(s.markPrice),
    indexPrice: price(s.indexPrice),
    change24h: price(s.change24h),
    volume24h: baseAmount(m, s.volume24h),
  };
}

/** [price per whole base token, size], decimal strings. */
export const levelsSchema = z.array(z.tuple([decimal, decimal]));
export type WireLevel = [string, string];

export const bookSchema = z.object({
  v,
  market: z.string(),
  /** the journal seq the book reflects (at least) */
  seq: z.bigint(),
  base: symbol,
  quote: symbol,
  bids: levelsSchema,
  asks: levelsSchema,
});
export type BookDto = z.infer<typeof bookSchema>;

export const bookUpdateSchema = bookSchema.extend({
  kind: z.enum(["snapshot", "diff"]),
  /** server wall-clock ms when the update was produced */
  timeMs: z.bigint(),
});
export type BookUpdateDto = z.infer<typeof bookUpdateSchema>;

/** Levels in base units (price per whole token, size) as wire tuples. */
export function wireLevels(m: Pick<MarketView, "base" | "quote">, rows: readonly (readonly [bigint, bigint])[]) {
  return rows.map(([p, s]): WireLevel => [decimalOf(p, m.quote), decimalOf(s, m.base)]);
}

/** The envelope's fields every book answer shares. */
export function bookEnvelope(m: Pick<MarketView, "symbol" | "base" | "quote">) {
  return { v: MARKET_WIRE_VERSION, market: m.symbol, base: m.base.symbol, quote: m.quote.symbol };
}

export const tradeSchema = z.object({
  v,
  /** `${seq}:${idx}`, the feed's tracked id */
  id: z.string(),
  seq: z.bigint(),
  market: z.string(),
  price: tokenAmount,
  size: tokenAmount,
  takerSide: z.enum(["buy", "sell"]),
  timeMs: z.bigint(),
});
export type TradeDto = z.infer<typeof tradeSchema>;

/** A fill as the market sees it (no parties), from base units. */
export function tradeDto(
  m: MarketView,
  t: { seq: bigint; idx: number; price: bigint; size: bigint; takerSide: "buy" | "sell"; timeMs: bigint },
): TradeDto {
  return {
    v: MARKET_WIRE_VERSION,
    id: `${t.seq}:${t.idx}`,
    seq: t.seq,
    market: m.symbol,
    price: quoteAmount(m, t.price),
    size: baseAmount(m, t.size),
    takerSide: t.takerSide,
    timeMs: t.timeMs,
  };
}

/** [timeMs, open, high, low, close, volume, trades] */
export const candleSchema = z.tuple([z.number().int(), decimal, decimal, decimal, decimal, decimal, z.number().int()]);
export type CandleDto = z.infer<typeof candleSchema>;

export const candlesSchema = z.object({
  v,
  market: z.string(),
  intervalSec: z.number().int(),
  base: symbol,
  quote: symbol,
  /** oldest first */
  candles: z.array(candleSchema),
});
export type CandlesDto = z.infer<typeof candlesSchema>;

/** One bucket in base units (prices per whole token). */
export interface CandleUnits {
  timeMs: bigint;
  open: bigint;
  high: bigint;
  low: bigint;
  close: bigint;
  volume: bigint;
  trades: number;
}

export function candlesDto(m: MarketView, intervalSec: number, rows: readonly CandleUnits[]): CandlesDto {
  const p = (x: bigint) => decimalOf(x, m.quote);
  return {
    v: MARKET_WIRE_VERSION,
    market: m.symbol,
    intervalSec,
    base: m.base.symbol,
    quote: m.quote.symbol,
    candles: rows.map((c) => [
      Number(c.timeMs),
      p(c.open),
      p(c.high),
      p(c.low),
      p(c.close),
      decimalOf(c.volume, m.base),
      c.trades,
    ]),
  };
}
