/**
 * Market types and unit conversions for the trade screen. The wire speaks whole-token decimal
 * strings (prices per WHOLE base token); these helpers are the one place the UI turns them into
 * base units, for arithmetic, forms and order inputs (which stay integer base units).
 */
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import { toBaseUnits } from "@/core/money";
import { changeBps, formatAmount } from "../_components/format";

type Outputs = inferRouterOutputs<AppRouter>;
/** The one market shape (server/services/market-wire.ts): the Market table's row and its live figures. */
export type MarketSummary = Outputs["markets"]["list"][number];
export type Trade = Outputs["markets"]["trades"][number];
export type Position = Outputs["account"]["positions"][number];
export type OpenOrder = Outputs["account"]["openOrders"][number];
export type TriggerOrder = Outputs["account"]["triggerOrders"][number];
export type Fill = Outputs["account"]["fills"]["fills"][number];
export type HistoryRow = Outputs["account"]["history"]["rows"][number];
export type Activity = HistoryRow["activity"];
/** A whole-token amount as the wire carries it: `{ value: "0.5", symbol: "WETH" }`. */
export type TokenAmount = { value: string; symbol: string };
export type Candles = Outputs["markets"]["candles"];
/** A book level on the wire: [price per whole token, size], decimal strings. */
export type WireLevel = [string, string];
/** A book level in base units: [price (quote base units per whole token), size (base units)]. */
export type Level = [bigint, bigint];

/** A wire amount of the quote asset (or a price per whole base token) back in quote base units, for forms and arithmetic. */
export const quoteUnits = (m: Pick<MarketSummary, "quote">, t: TokenAmount): bigint =>
  toBaseUnits(t.value, m.quote.decimals);
/** A wire size back in base-asset base units. */
export const baseUnits = (m: Pick<MarketSummary, "base">, t: TokenAmount): bigint =>
  toBaseUnits(t.value, m.base.decimals);
/** A wire price that may be absent (no trade, no mark yet). */
export const quoteUnitsOrNull = (m: Pick<MarketSummary, "quote">, t: TokenAmount | null): bigint | null =>
  t === null ? null : quoteUnits(m, t);
/** The market's tick (quote base units per whole token), lot and minimum order value (base units). */
export const tickUnits = (m: Pick<MarketSummary, "quote" | "tickSize">) => quoteUnits(m, m.tickSize);
export const lotUnits = (m: Pick<MarketSummary, "base" | "lotSize">) => baseUnits(m, m.lotSize);
export const minNotionalUnits = (m: Pick<MarketSummary, "quote" | "minNotional">) => quoteUnits(m, m.minNotional);
/** A wire book level in base units. */
export const levelUnits = (m: Pick<MarketSummary, "base" | "quote">, [p, s]: WireLevel): Level => [
  toBaseUnits(p, m.quote.decimals),
  toBaseUnits(s, m.base.decimals),
];

/** Fraction digits of a step on the wire ("0.001" → 3: the wire drops trailing zeros). */
const stepDigits = (t: TokenAmount) => t.value.split(".")[1]?.length ?? 0;
/** Fraction digits the lot size needs. */
export const sizeDecimals = (m: Pick<MarketSummary, "lotSize">): number => stepDigits(m.lotSize);
/** Fraction digits the tick needs. */
export const priceDecimals = (m: Pick<MarketSummary, "tickSize">): number => stepDigits(m.tickSize);

export const px = (m: MarketSummary, price: bigint | null | undefined) =>
  price == null
    ? "—"
    : formatAmount(price, m.quote.decimals, { maxFraction: priceDecimals(m), minFraction: priceDecimals(m) });
export const sz = (m: MarketSummary, sizeBase: bigint) =>
  formatAmount(sizeBase, m.base.decimals, { maxFraction: sizeDecimals(m) });
/** A wire price at the market's tick precision, and a wire size at its lot precision (without symbols). */
export const pxT = (m: MarketSummary, price: TokenAmount | null) =>
  price === null ? "—" : px(m, quoteUnits(m, price));
export const szT = (m: MarketSummary, size: TokenAmount) => sz(m, baseUnits(m, size));
export const quoteAmt = (m: MarketSummary, amount: bigint, signed = false) =>
  formatAmount(amount, m.quote.decimals, { maxFraction: 2, minFraction: 2, signed });

/** Quote value of a size at a price: size (base units) × price (quote per whole) / 10^baseDecimals, rounded down. */
export function notional(m: Pick<MarketSummary, "base">, sizeBase: bigint, price: bigint): bigint {
  return (sizeBase * price) / 10n ** BigInt(m.base.decimals);
}

/** Whole lots in a size (base units; the form has checked it is a multiple of the lot). */
export const lotsOf = (m: Pick<MarketSummary, "base" | "lotSize">, sizeBase: bigint): bigint => sizeBase / lotUnits(m);
/**
 * A price per whole token in the engine's unit, quote per lot, rounded down: exact for a price
 * on the tick (every market's tick converts exactly); a mark off the grid rounds down as the
 * server's conversion did.
 */
export const perLotDown = (m: Pick<MarketSummary, "base" | "lotSize">, price: bigint): bigint =>
  (price * lotUnits(m)) / 10n ** BigInt(m.base.decimals);

/** Round a price to the tick: down or up. */
export function toTick(price: bigint, tick: bigint, dir: "down" | "up"): bigint {
  const r = price % tick;
  if (r === 0n) return price;
  return dir === "down" ? price - r : price - r + tick;
}

/** The worst price `bps` away from `price` a buy (above) or sell (below) accepts, on the tick, rounded away from `price`. */
export function slippageBound(
  m: Pick<MarketSummary, "quote" | "tickSize">,
  price: bigint,
  side: "buy" | "sell",
  bps: bigint,
): bigint {
  return side === "buy"
    ? toTick((price * (10_000n + bps)) / 10_000n, tickUnits(m), "up")
    : toTick((price * (10_000n - bps)) / 10_000n, tickUnits(m), "down");
}

/** Round a size down to the lot. */
export function toLot(sizeBase: bigint, lot: bigint): bigint {
  return sizeBase - (sizeBase % lot);
}

/** The 24 h change in bps of the price 24 h ago (change24h is last − first of the window). */
export function change24hBps(m: MarketSummary): bigint | null {
  const last = quoteUnitsOrNull(m, m.lastPrice);
  const change = quoteUnitsOrNull(m, m.change24h);
  return last === null || change === null ? null : changeBps(last - change, last);
}

/** A fresh idempotency key per user action (8–64 of letters, digits, _ . : -). */
export function newIdempotencyKey(prefix: string): string {
  return `${prefix}:${crypto.randomUUID()}`;
}
