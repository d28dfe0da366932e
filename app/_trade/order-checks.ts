/**
 * The order form's checks outside React (unit-tested): what the typed fields read as, why they
 * cannot be sent, when an order needs a second click (far from the mark, or large), and the size
 * the % buttons give on a perpetual at the chosen leverage (core's maxOrderLots: what the
 * engine's margin check accepts). All money in base units.
 */
import { maxOrderLots } from "@/core/risk/account-summary";
import { readAmount, type AmountReading } from "../_components/format";
import {
  lotUnits,
  minNotionalUnits,
  perLotDown,
  px,
  quoteAmt,
  szT,
  tickUnits,
  toLot,
  type MarketSummary,
} from "./market";

/** A field's text as read: empty, a value, or a reason it is not one. */
export type Field = { text: string; reading: AmountReading | null };
export const field = (text: string, decimals: number): Field => ({
  text,
  reading: text.trim() === "" ? null : readAmount(text, decimals),
});
/** The value of a field, or null when it is empty or unreadable. */
export const valueOf = (f: Field): bigint | null => (f.reading?.ok ? f.reading.value : null);

/** Why the order cannot be sent as typed; empty when it can. */
export function orderProblems(
  m: MarketSummary,
  o: {
    side: "buy" | "sell";
    size: Field;
    price: Field | null;
    trigger: Field | null;
    takeProfit: Field | null;
    stopLoss: Field | null;
    /** the price it is expected to execute at */
    execPrice: bigint | null;
    /** the order's value at execPrice, once known */
    value: bigint | null;
  },
): string[] {
  const out: string[] = [];
  const tick = tickUnits(m);
  const lot = lotUnits(m);
  const named = (name: string, f: Field | null) =>
    f?.reading && !f.reading.ok ? `${name}: ${f.reading.reason}` : null;
  for (const [name, f] of [
    ["Size", o.size],
    ["Price", o.price],
    ["Trigger", o.trigger],
    ["Take-profit", o.takeProfit],
    ["Stop-loss", o.stopLoss],
  ] as const) {
    const p = named(name, f);
    if (p) out.push(p);
  }
  const size = valueOf(o.size);
  if (size !== null && size === 0n) out.push("Size: enter a size above zero.");
  else if (size !== null && size % lot !== 0n)
    out.push(`Size must be a multiple of ${szT(m, m.lotSize)} ${m.base.symbol}.`);
  for (const [name, f] of [
    ["Price", o.price],
    ["Trigger", o.trigger],
    ["Take-profit", o.takeProfit],
    ["Stop-loss", o.stopLoss],
  ] as const) {
    const v = f ? valueOf(f) : null;
    if (v === null) continue;
    if (v === 0n) out.push(`${name}: enter a price above zero.`);
    else if (v % tick !== 0n) out.push(`${name} must be a multiple of the tick ${px(m, tick)}.`);
  }
  if (o.value !== null && o.value > 0n && o.value < minNotionalUnits(m))
    out.push(`Order value below the minimum of ${quoteAmt(m, minNotionalUnits(m))} ${m.quote.symbol}.`);
  const tp = o.takeProfit ? valueOf(o.takeProfit) : null;
  const sl = o.stopLoss ? valueOf(o.stopLoss) : null;
  const e = o.execPrice;
  if (tp !== null && e && (o.side === "buy" ? tp <= e : tp >= e))
    out.push(`Take-profit must be ${o.side === "buy" ? "above" : "below"} the entry price.`);
  if (sl !== null && e && (o.side === "buy" ? sl >= e : sl <= e))
    out.push(`Stop-loss must be ${o.side === "buy" ? "below" : "above"} the entry price.`);
  return out;
}

/** How far from the reference an order may be, and how large, before it asks for a second click. */
export const CONFIRM_FAR_BPS = 1_000n; // 10 %
export const CONFIRM_NOTIONAL_WHOLE = 100_000n; // in whole quote tokens

/** Why the order needs a confirmation (far from the mark, or above the notional threshold), or null. */
export function confirmationReason(
  m: MarketSummary,
  o: { price: bigint | null; reference: bigint | null; value: bigint | null },
): string | null {
  const reasons: string[] = [];
  if (o.price !== null && o.reference !== null && o.reference > 0n) {
    const gap = o.price > o.reference ? o.price - o.reference : o.reference - o.price;
    // rounded down: an order just over 10 % away still reads as at least 10 %
    const bps = (gap * 10_000n) / o.reference;
    if (bps > CONFIRM_FAR_BPS)
      reasons.push(
        `the price ${px(m, o.price)} is ${(bps / 100n).toString()}% ${o.price > o.reference ? "above" : "below"} the mark ${px(m, o.reference)}`,
      );
  }
  const threshold = CONFIRM_NOTIONAL_WHOLE * 10n ** BigInt(m.quote.decimals);
  if (o.value !== null && o.value > threshold) reasons.push(`its value is ${quoteAmt(m, o.value)} ${m.quote.symbol}`);
  return reasons.length === 0 ? null : `Check before sending: ${reasons.join(" and ")}.`;
}

/**
 * How far the mark may rise between sizing an order and the engine checking it (the form's mark
 * is a few seconds old; margin is taken at the mark of the moment): the 100 % size is computed
 * at a mark this much worse, either way, so it is still accepted then.
 */
export const MARK_BUFFER_BPS = 50n;

/**
 * The size (base units, on the lot) the 100 % button gives on a perpetual: free collateral ×
 * leverage of notional, never more than the engine's margin check accepts at that price with
 * the mark up to MARK_BUFFER_BPS away either way.
 */
export function perpMaxSize(
  m: MarketSummary,
  o: { side: "buy" | "sell"; freeCollateral: bigint; price: bigint; mark: bigint; leverage: number },
): bigint {
  const at = (mark: bigint) =>
    maxOrderLots({
      freeCollateralQuote: o.freeCollateral,
      isBuy: o.side === "buy",
      limitPerLot: perLotDown(m, o.price),
      markPerLot: perLotDown(m, mark),
      leverageX: BigInt(o.leverage),
      params: {
        initialMarginBps: BigInt(m.initialMarginBps),
        maxLeverage: BigInt(m.maxLeverage),
        takerFeePips: BigInt(m.takerFeePips),
      },
    });
  // a higher mark raises the margin, a lower one the loss of an order through it: the worse of both
  const up = at((o.mark * (10_000n + MARK_BUFFER_BPS) + 9_999n) / 10_000n);
  const down = at((o.mark * (10_000n - MARK_BUFFER_BPS)) / 10_000n);
  return (up < down ? up : down) * lotUnits(m);
}

/** A spot order's largest size: buys spend quote at the price, sells spend the base held. */
export function spotMaxSize(
  m: MarketSummary,
  o: { side: "buy" | "sell"; quoteAvailable: bigint; baseAvailable: bigint; price: bigint | null },
): bigint | null {
  if (o.side === "sell") return toLot(o.baseAvailable, lotUnits(m));
  if (!o.price || o.price <= 0n) return null;
  return toLot((o.quoteAvailable * 10n ** BigInt(m.base.decimals)) / o.price, lotUnits(m));
}
