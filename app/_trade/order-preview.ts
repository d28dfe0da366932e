/**
 * The order form's preview: the order's value, its fee and, on a perpetual, what the engine's
 * margin check asks for it, computed by core with the engine's own functions and rounding
 * (core/fees, core/risk/order-preview) in the engine's units (lots, quote per lot).
 */
import { feeForNotional } from "@/core/fees";
import { orderMarginPreview, type OrderMarginPreview } from "@/core/risk/order-preview";
import { unrealizedPnl } from "@/core/risk/position";
import { lotsOf, notional, perLotDown, quoteUnitsOrNull, type MarketSummary } from "./market";

export interface OrderPreview {
  /** quote value at the price the order is expected to execute at (quote base units) */
  value: bigint;
  /** the fee rate that applies (maker for a post-only limit, else taker), pips */
  feePips: number;
  /** the fee of filling at that price, rounded as the engine rounds it: positive paid, negative rebate */
  fee: bigint;
  /** perpetuals with a mark: the margin check's figures for this order alone (at its limit or worst price) */
  margin: OrderMarginPreview | null;
}

/**
 * PnL of a position of `sizeBase` (signed: negative is short; a multiple of the lot) entered at
 * `entry` and closed at `exit` (per whole token), before fees, as the engine counts it:
 * lots × exit per lot − lots × entry per lot (core's unrealizedPnl).
 */
export function pnlAt(m: MarketSummary, sizeBase: bigint, entry: bigint, exit: bigint): bigint {
  const lots = lotsOf(m, sizeBase);
  return unrealizedPnl({ lots, entryQuote: lots * perLotDown(m, entry) }, perLotDown(m, exit));
}

/**
 * `execPrice` estimates where it fills (the limit, the trigger or the best opposite price);
 * `boundPrice` is the price the engine checks margin at: the limit, or a market order's worst price.
 */
export function previewOrder(
  m: MarketSummary,
  o: {
    side: "buy" | "sell";
    sizeBase: bigint;
    execPrice: bigint;
    boundPrice: bigint | null;
    maker: boolean;
    reduceOnly: boolean;
  },
): OrderPreview {
  const value = notional(m, o.sizeBase, o.execPrice);
  const feePips = o.maker ? m.makerFeePips : m.takerFeePips;
  const mark = quoteUnitsOrNull(m, m.markPrice);
  const margin =
    m.kind === "PERP" && mark !== null && o.boundPrice !== null
      ? orderMarginPreview({
          isBuy: o.side === "buy",
          lots: lotsOf(m, o.sizeBase),
          limitPerLot: perLotDown(m, o.boundPrice),
          markPerLot: perLotDown(m, mark),
          reduceOnly: o.reduceOnly,
          params: {
            initialMarginBps: BigInt(m.initialMarginBps),
            maxLeverage: BigInt(m.maxLeverage),
            takerFeePips: BigInt(m.takerFeePips),
          },
        })
      : null;
  return { value, feePips, fee: feeForNotional(value, BigInt(feePips)), margin };
}
