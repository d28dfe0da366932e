/**
 * What an order refusal says to a person. The engine's messages count in base units and per-lot
 * prices ("needs 1000000000000000000 WETH"); at the API edge the refusal of an order in a known
 * market is re-worded in whole tokens with their symbol and prices per whole token, from the
 * refusal's details (which keep their base units for programs). Codes not listed keep their message.
 */
import { ClearlineError, isClearlineError, type ErrorDetails } from "../../core/errors";
import type { MarketView } from "../../core/market/view";
import { priceFromPerLotDown } from "../engine/market-config";
import { amountOf } from "./wire-units";

type Units = (value: bigint) => string;

/** A wire decimal with thousands separators ("15200246.99601" → "15,200,246.99601"); exact, never rounded. */
function grouped(decimal: string): string {
  const [int, frac] = decimal.split(".");
  const g = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac === undefined ? g : `${g}.${frac}`;
}

const big = (v: ErrorDetails[string] | undefined): bigint | null =>
  typeof v === "bigint" ? v : typeof v === "string" && /^-?\d+$/.test(v) ? BigInt(v) : null;

/** The refusal's message in whole tokens, or null to keep the engine's. */
export function humanMessage(code: string, details: ErrorDetails, m: MarketView): string | null {
  const quote: Units = (v) => `${grouped(amountOf(v, m.quote).value)} ${m.quote.symbol}`;
  const base: Units = (v) => `${grouped(amountOf(v, m.base).value)} ${m.base.symbol}`;
  const perLot: Units = (v) => `${quote(priceFromPerLotDown(m, v))} per ${m.base.symbol}`;
  const d = (k: string) => big(details[k]);
  switch (code) {
    case "INSUFFICIENT_BALANCE": {
      const asset = details.asset === m.base.symbol ? base : quote;
      const need = d("required");
      const have = d("available");
      return need === null || have === null
        ? null
        : `This order needs ${asset(need)} available; you have ${asset(have)}.`;
    }
    case "INSUFFICIENT_MARGIN": {
      const need = d("required");
      const have = d("equity");
      return need === null || have === null
        ? null
        : `This order needs ${quote(need)} of margin, fee and price gap; your account value is ${quote(have)}.`;
    }
    case "NOTIONAL_BELOW_MINIMUM": {
      const value = d("notional");
      const min = d("minimum");
      return value === null || min === null
        ? null
        : `The order's value ${quote(value)} is below the minimum of ${quote(min)}.`;
    }
    case "SIZE_NOT_ON_LOT": {
      const size = d("size");
      const lot = d("lot");
      return size === null || lot === null ? null : `Size ${base(size)} is not a multiple of the lot ${base(lot)}.`;
    }
    case "PRICE_NOT_ON_TICK": {
      const tick = d("tick");
      return tick === null ? null : `The price is not a multiple of the tick ${perLot(tick)}.`;
    }
    case "STOP_WRONG_SIDE": {
      const trigger = d("trigger");
      const price = d("price");
      const buy = details.side === "buy";
      return trigger === null || price === null
        ? null
        : `A ${buy ? "buy" : "sell"} stop at ${perLot(trigger)} would fire at once: the ${String(details.source ?? "mark")} price is ${perLot(price)}. A ${buy ? "buy" : "sell"} stop must be ${buy ? "above" : "below"} it.`;
    }
    case "POST_ONLY_WOULD_TAKE": {
      const best = d("bestOpposite");
      return best === null ? null : `A post-only order must not cross the best opposite price ${perLot(best)}.`;
    }
    case "REDUCE_ONLY_WOULD_INCREASE": {
      const position = d("position");
      return position === null ? null : `A reduce-only order must be against your position (${base(position)}).`;
    }
    case "SIZE_OUT_OF_RANGE": {
      const max = d("max");
      return max === null ? null : `The size is beyond what ${m.symbol} accepts (at most ${base(max)}).`;
    }
    default:
      return null;
  }
}

/** Rethrow an order refusal with its message in whole tokens; anything else unchanged. */
export function inWholeTokens(error: unknown, m: MarketView | null): never {
  if (m !== null && isClearlineError(error)) {
    const message = humanMessage(error.code, error.details, m);
    if (message !== null) throw new ClearlineError(error.code, message, error.details, { cause: error });
  }
  throw error;
}
