/**
 * Order entry's answers on the wire (version 1). orders.ts computes and keeps (for idempotent
 * retries) its results in base units; these wrappers turn them into whole-token amounts with
 * their symbol (wire-units.ts) as the procedures send them:
 * - place / amend: `{ v, seq, orderId, market, status, doneReason, filledSize, remainingSize,
 *   fills: [{ price, size, fee }] }`, sizes in the base asset, price per whole base token and fee
 *   (positive paid, negative rebate) in the quote asset;
 * - cancel: `{ v, seq, orderId, cancelled: true }`; setTpSl: `{ v, seq, takeProfitOrderId,
 *   stopLossOrderId }` (no amounts).
 */
import { z } from "zod";
import { ClearlineError } from "../../core/errors";
import type { EngineRuntime } from "../engine/runtime";
import type { MarketView } from "./markets";
import {
  amendOrder,
  cancelOrder,
  placeOrder,
  setTpSl,
  type AmendOrderParams,
  type CancelOrderParams,
  type OrderResult,
  type PlaceOrderParams,
  type SetTpSlParams,
} from "./orders";
import { inWholeTokens } from "./order-messages";
import { baseAmount, quoteAmount, tokenAmount } from "./wire-units";

export const ORDER_WIRE_VERSION = 1 as const;
const v = z.literal(ORDER_WIRE_VERSION);

export const orderResultSchema = z.object({
  v,
  seq: z.bigint(),
  orderId: z.number().int(),
  market: z.string(),
  status: z.enum(["resting", "filled", "partiallyFilled", "cancelled", "expired", "triggerPending", "amended"]),
  doneReason: z.string().nullable(),
  filledSize: tokenAmount,
  remainingSize: tokenAmount,
  fills: z.array(z.object({ price: tokenAmount, size: tokenAmount, fee: tokenAmount })),
});
export type OrderResultDto = z.infer<typeof orderResultSchema>;

export const cancelResultSchema = z.object({
  v,
  seq: z.bigint(),
  orderId: z.number().int(),
  cancelled: z.literal(true),
});
export const tpSlResultSchema = z.object({
  v,
  seq: z.bigint(),
  takeProfitOrderId: z.number().int().nullable(),
  stopLossOrderId: z.number().int().nullable(),
});

/** An order result in base units as the wire carries it. */
export function orderResultDto(m: Pick<MarketView, "base" | "quote">, r: OrderResult): OrderResultDto {
  return {
    v: ORDER_WIRE_VERSION,
    seq: r.seq,
    orderId: r.orderId,
    market: r.market,
    status: r.status,
    doneReason: r.doneReason,
    filledSize: baseAmount(m, r.filledSize),
    remainingSize: baseAmount(m, r.remainingSize),
    fills: r.fills.map((f) => ({
      price: quoteAmount(m, f.price),
      size: baseAmount(m, f.size),
      fee: quoteAmount(m, f.feeQuote),
    })),
  };
}

function wire(rt: EngineRuntime, r: OrderResult): OrderResultDto {
  const m = rt.market(r.market);
  if (m === null)
    throw new ClearlineError("INTERNAL", `market ${r.market} answered an order but is not in the catalogue`);
  return orderResultDto(m, r);
}

export async function placeOrderWire(rt: EngineRuntime, account: string, p: PlaceOrderParams) {
  try {
    return wire(rt, await placeOrder(rt, account, p));
  } catch (error) {
    return inWholeTokens(error, rt.market(p.market));
  }
}

export async function amendOrderWire(rt: EngineRuntime, account: string, p: AmendOrderParams) {
  try {
    return wire(rt, await amendOrder(rt, account, p));
  } catch (error) {
    // only the caller's own order names its market (another's is answered as missing)
    const resting = rt.read((ex) => ex.restingOrder(p.orderId));
    return inWholeTokens(error, resting !== null && resting.account === account ? rt.market(resting.market) : null);
  }
}

export async function cancelOrderWire(rt: EngineRuntime, account: string, p: CancelOrderParams) {
  return { v: ORDER_WIRE_VERSION, ...(await cancelOrder(rt, account, p)) };
}

export async function setTpSlWire(rt: EngineRuntime, account: string, p: SetTpSlParams) {
  try {
    return { v: ORDER_WIRE_VERSION, ...(await setTpSl(rt, account, p)) };
  } catch (error) {
    return inWholeTokens(error, rt.market(p.market));
  }
}
