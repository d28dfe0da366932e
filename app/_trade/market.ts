/** Market types and unit conversions for the trade screen (prices per WHOLE base token, as on the wire). */
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import { toBaseUnits } from "@/core/money";
import { formatAmount, formatPrice } from "../_components/format";

type Outputs = inferRouterOutputs<AppRouter>;
export type MarketSummary = Outputs["markets"]["list"][number];
export type Trade = Outputs["markets"]["trades"][number];
export type Position = Outputs["account"]["positions"][number];
export type OpenOrder = Outputs["account"]["openOrders"][number];
export type Fill = Outputs["account"]["fills"]["fills"][number];
export type HistoryRow = Outputs["account"]["history"]["rows"][number];
export type Activity = HistoryRow["activity"];
/** A whole-token amount as the wire carries it: `{ value: "0.5", symbol: "WETH" }`. */
export type TokenAmount = { value: string; symbol: string };
export type Candle = Outputs["markets"]["candles"][number];

/** A wire amount of the quote asset (or a price per whole base token) back in quote base units, for forms and arithmetic. */
export const quoteUnits = (m: Pick<MarketSummary, "quote">, t: TokenAmount): bigint =>
  toBaseUnits(t.value, m.quote.decimals);
/** A wire size back in base-asset base units. */
export const baseUnits = (m: Pick<MarketSummary, "base">, t: TokenAmount): bigint =>
  toBaseUnits(t.value, m.base.decimals);

export const px = (m: MarketSummary, price: bigint | null | undefined) =>
  price == null ? "—" : formatPrice(price, m.quote.decimals, m.tickSize);
export const sz = (m: MarketSummary, sizeBase: bigint) =>
  formatAmount(sizeBase, m.base.decimals, { maxFraction: sizeDecimals(m) });
/** A wire price at the market's tick precision, and a wire size at its lot precision (without symbols). */
export const pxT = (m: MarketSummary, price: TokenAmount | null) =>
  price === null ? "—" : px(m, quoteUnits(m, price));
export const szT = (m: MarketSummary, size: TokenAmount) => sz(m, toBaseUnits(size.value, m.base.decimals));
export const quoteAmt = (m: MarketSummary, amount: bigint, signed = false) =>
  formatAmount(amount, m.quote.decimals, { maxFraction: 2, minFraction: 2, signed });

/** Fraction digits the lot size needs. */
export function sizeDecimals(m: Pick<MarketSummary, "lotSize" | "base">): number {
  let d = m.base.decimals;
  let s = m.lotSize;
  while (d > 0 && s % 10n === 0n) {
    s /= 10n;
    d -= 1;
  }
  return d;
}

/** Quote value of a size at a price: size (base units) × price (quote per whole) / 10^baseDecimals, rounded down. */
export function notional(m: Pick<MarketSummary, "base">, sizeBase: bigint, price: bigint): bigint {
  return (sizeBase * price) / 10n ** BigInt(m.base.decimals);
}

/** Round a price to the tick: down or up. */
export function toTick(price: bigint, tick: bigint, dir: "down" | "up"): bigint {
  const r = price % tick;
  if (r === 0n) return price;
  return dir === "down" ? price - r : price - r + tick;
}

/** Round a size down to the lot. */
export function toLot(sizeBase: bigint, lot: bigint): bigint {
  return sizeBase - (sizeBase % lot);
}

/** The 24 h change in bps of the price 24 h ago (change24h is last − first of the window). */
export function change24hBps(m: MarketSummary): bigint | null {
  if (m.lastPrice == null || m.change24h == null) return null;
  const first = m.lastPrice - m.change24h;
  return first > 0n ? (m.change24h * 10_000n) / first : null;
}

/** A fresh idempotency key per user action (8–64 of letters, digits, _ . : -). */
export function newIdempotencyKey(prefix: string): string {
  return `${prefix}:${crypto.randomUUID()}`;
}
