/**
 * Order entry: validate and convert trader units (prices per WHOLE base token, sizes in base
 * units) to engine units (per lot), submit through the engine runtime with the caller's
 * idempotency key, and answer from the events the command caused. Engine refusals are stored
 * as the key's answer too, so a retry is refused the same way.
 */
import type { Command, EngineEvent } from "../../core/engine";
import { ClearlineError } from "../../core/errors";
import type { EngineRuntime } from "../engine/runtime";
import { priceFromPerLotDown, priceToPerLot } from "../engine/market-config";
import type { CommittedEntry } from "../ports";
import type { MarketView } from "./markets";
import { failure, refusal, requestHash, success, unwrap, type Outcome } from "./idempotency";

export type OrderType = "limit" | "market" | "stopLimit" | "stopMarket";

export interface PlaceOrderParams {
  idempotencyKey: string;
  market: string;
  side: "buy" | "sell";
  type: OrderType;
  /** base-asset base units (a multiple of the lot) */
  size: bigint;
  /** limit / stopLimit: quote base units per whole base token */
  price?: bigint;
  /** market / stopMarket: the worst acceptable price (slippage bound), per whole token */
  worstPrice?: bigint;
  /** stop orders: fires when the market's trigger price crosses this, per whole token */
  triggerPrice?: bigint;
  timeInForce?: "GTC" | "IOC" | "FOK";
  postOnly?: boolean;
  reduceOnly?: boolean;
  /** perpetuals: position take-profit / stop-loss set when this order first fills */
  takeProfit?: bigint;
  stopLoss?: bigint;
  clientOrderId?: string;
}

export interface OrderFill {
  price: bigint;
  size: bigint;
  feeQuote: bigint;
}

export interface OrderResult {
  seq: bigint;
  orderId: number;
  market: string;
  status: "resting" | "filled" | "partiallyFilled" | "cancelled" | "expired" | "triggerPending" | "amended";
  /** why it ended, when it did (filled, cancelled, expired, selfTrade, reduceOnly, liquidation) */
  doneReason: string | null;
  filledSize: bigint;
  remainingSize: bigint;
  fills: OrderFill[];
}

function marketOf(rt: EngineRuntime, symbol: string): MarketView {
  const m = rt.market(symbol);
  if (m === null) throw new ClearlineError("MARKET_NOT_FOUND", `no market ${symbol}`, { market: symbol });
  return m;
}

const optPrice = (m: MarketView, p: bigint | undefined) => (p === undefined ? undefined : priceToPerLot(m, p));

/** The engine counts ticks and lots in safe integers (core/engine/orders.ts): beyond that a market has no room. */
const MAX_UNITS = BigInt(Number.MAX_SAFE_INTEGER);

/** The largest price (per whole token) and size (base units) `m` accepts: 2^53 − 1 ticks, 2^53 − 1 lots. */
export function marketBounds(m: Pick<MarketView, "tickSize" | "lotSize">): { maxPrice: bigint; maxSize: bigint } {
  return { maxPrice: m.tickSize * MAX_UNITS, maxSize: m.lotSize * MAX_UNITS };
}

/**
 * Refuses a price or size (the field named "size") beyond the market's bounds before it reaches
 * the engine or the journal (a refusal here is not stored): a 64,000-digit size would otherwise
 * cost the one sequencer and stay in the journal for good.
 */
export function checkBounds(m: MarketView, values: Partial<Record<string, bigint | null>>): void {
  const { maxPrice, maxSize } = marketBounds(m);
  for (const [field, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    const isSize = field === "size";
    const max = isSize ? maxSize : maxPrice;
    if (value > max)
      throw new ClearlineError(
        isSize ? "SIZE_OUT_OF_RANGE" : "PRICE_OUT_OF_RANGE",
        `${field} is beyond what ${m.symbol} accepts (at most ${max})`,
        { field, market: m.symbol, max },
      );
  }
}

/** The engine command for a place request (throws on an off-tick price or an unknown market). */
export function placeCommand(rt: EngineRuntime, account: string, p: PlaceOrderParams): Command {
  const m = marketOf(rt, p.market);
  checkBounds(m, {
    size: p.size,
    price: p.price,
    worstPrice: p.worstPrice,
    triggerPrice: p.triggerPrice,
    takeProfit: p.takeProfit,
    stopLoss: p.stopLoss,
  });
  return {
    type: "place",
    account,
    market: p.market,
    side: p.side,
    kind: p.type,
    sizeBase: p.size,
    pricePerLot: optPrice(m, p.price),
    worstPricePerLot: optPrice(m, p.worstPrice),
    triggerPerLot: optPrice(m, p.triggerPrice),
    tif: p.timeInForce,
    postOnly: p.postOnly,
    reduceOnly: p.reduceOnly,
    takeProfitPerLot: optPrice(m, p.takeProfit),
    stopLossPerLot: optPrice(m, p.stopLoss),
    clientOrderId: p.clientOrderId,
  };
}

/** The first refusal of this command in its events, as an outcome. */
function rejectionOf(events: readonly EngineEvent[], command: Command["type"]): Outcome<never> | null {
  const r = events.find((e) => e.type === "rejected" && e.command === command);
  return r?.type === "rejected" ? failure(r.code, r.message, r.details) : null;
}

/** What became of order `orderId` in this entry's events. */
export function orderResult(
  entry: CommittedEntry,
  m: MarketView,
  orderId: number,
  defaultStatus: OrderResult["status"],
): OrderResult {
  const fills: OrderFill[] = [];
  let filled = 0n;
  let remaining: bigint | null = null;
  let status = defaultStatus;
  let doneReason: string | null = null;
  for (const e of entry.events) {
    if (e.type === "orderAccepted" && e.orderId === orderId) {
      remaining = e.sizeBase;
      if (status === "triggerPending") status = "resting";
    } else if (e.type === "orderAmended" && e.orderId === orderId) remaining = e.sizeBase;
    else if (e.type === "fill" && (e.takerOrderId === orderId || e.makerOrderId === orderId)) {
      const taker = e.takerOrderId === orderId;
      fills.push({
        price: priceFromPerLotDown(m, e.pricePerLot),
        size: e.sizeBase,
        feeQuote: taker ? e.takerFeeQuote : e.makerFeeQuote,
      });
      filled += e.sizeBase;
      if (remaining !== null) remaining -= e.sizeBase;
    } else if (e.type === "orderDone" && e.orderId === orderId) {
      remaining = e.remainingBase;
      doneReason = e.reason;
      status =
        e.reason === "filled"
          ? "filled"
          : e.reason === "expired"
            ? filled > 0n
              ? "partiallyFilled"
              : "expired"
            : "cancelled";
    } else if (e.type === "triggerCancelled" && e.orderId === orderId) {
      doneReason = e.reason;
      status = "cancelled";
      remaining = 0n;
    }
  }
  if (doneReason === null && filled > 0n && status === "resting") status = "partiallyFilled";
  return {
    seq: entry.seq,
    orderId,
    market: m.symbol,
    status,
    doneReason,
    filledSize: filled,
    remainingSize: remaining ?? 0n,
    fills,
  };
}

/** Place an order once per idempotency key. */
export async function placeOrder(rt: EngineRuntime, account: string, p: PlaceOrderParams): Promise<OrderResult> {
  const hash = requestHash("orders.place", { ...p });
  let command: Command;
  let m: MarketView;
  try {
    rt.checkTradingAllowed(account, p.market);
    m = marketOf(rt, p.market);
    command = placeCommand(rt, account, p);
  } catch (error) {
    return unwrap(refusal<OrderResult>(error));
  }
  const outcome = await rt.submitIdempotent<Outcome<OrderResult>>({
    account,
    key: p.idempotencyKey,
    requestHash: hash,
    command,
    respond(entry) {
      const refused = rejectionOf(entry.events, "place");
      if (refused !== null) return refused;
      const accepted = entry.events.find(
        (e) =>
          (e.type === "orderAccepted" || e.type === "triggerAccepted") &&
          e.account === account &&
          (e.type === "triggerAccepted" || e.origin === "user"),
      );
      if (accepted === undefined || (accepted.type !== "orderAccepted" && accepted.type !== "triggerAccepted"))
        return failure("INTERNAL", "the order left no trace");
      return success(
        orderResult(entry, m, accepted.orderId, accepted.type === "triggerAccepted" ? "triggerPending" : "resting"),
      );
    },
  });
  return unwrap(outcome);
}

export interface CancelOrderParams {
  idempotencyKey: string;
  orderId: number;
}

/** Cancel a resting order or a pending trigger. */
export async function cancelOrder(
  rt: EngineRuntime,
  account: string,
  p: CancelOrderParams,
): Promise<{ seq: bigint; orderId: number; cancelled: true }> {
  rt.checkTradingAllowed(account, null);
  const outcome = await rt.submitIdempotent({
    account,
    key: p.idempotencyKey,
    requestHash: requestHash("orders.cancel", { ...p }),
    command: { type: "cancel", account, orderId: p.orderId },
    respond(entry) {
      const refused = rejectionOf(entry.events, "cancel");
      if (refused !== null) return refused as Outcome<{ seq: bigint; orderId: number; cancelled: true }>;
      return success({ seq: entry.seq, orderId: p.orderId, cancelled: true as const });
    },
  });
  return unwrap(outcome);
}

export interface AmendOrderParams {
  idempotencyKey: string;
  orderId: number;
  /** new limit price per whole token */
  price?: bigint;
  /** new remaining size, base units */
  size?: bigint;
}

/** Amend a resting order: a size decrease keeps priority; a price change or size increase re-queues (and may trade). */
export async function amendOrder(rt: EngineRuntime, account: string, p: AmendOrderParams): Promise<OrderResult> {
  // Only the caller's own order is looked at: another account's is treated as missing (its market
  // halted or its tick would otherwise show through), and the engine answers ORDER_NOT_FOUND.
  const found = rt.read((ex) => ex.restingOrder(p.orderId));
  const resting = found !== null && found.account === account ? found : null;
  const hash = requestHash("orders.amend", { ...p });
  let command: Command;
  let m: MarketView | null = null;
  try {
    rt.checkTradingAllowed(account, resting?.market ?? null);
    m = resting === null ? null : marketOf(rt, resting.market);
    if (m !== null) checkBounds(m, { price: p.price, size: p.size });
    command = {
      type: "amend",
      account,
      orderId: p.orderId,
      pricePerLot: m === null || p.price === undefined ? undefined : priceToPerLot(m, p.price),
      // nothing of a request for an order that is not the caller's goes to the journal but its id
      sizeBase: m === null ? undefined : p.size,
    };
  } catch (error) {
    return unwrap(refusal<OrderResult>(error));
  }
  const outcome = await rt.submitIdempotent<Outcome<OrderResult>>({
    account,
    key: p.idempotencyKey,
    requestHash: hash,
    command,
    respond(entry) {
      const refused = rejectionOf(entry.events, "amend");
      if (refused !== null) return refused;
      if (m === null) return failure("ORDER_NOT_FOUND", `no order ${p.orderId}`, { orderId: p.orderId });
      return success(orderResult(entry, m, p.orderId, "amended"));
    },
  });
  return unwrap(outcome);
}

export interface SetTpSlParams {
  idempotencyKey: string;
  market: string;
  /** per whole token; null clears it */
  takeProfit: bigint | null;
  stopLoss: bigint | null;
  /** slippage bound of the closing order around the trigger, bps (default 500) */
  slippageBps?: bigint;
}

/** Set (or clear) a perpetual position's take-profit / stop-loss, one cancelling the other. */
export async function setTpSl(
  rt: EngineRuntime,
  account: string,
  p: SetTpSlParams,
): Promise<{ seq: bigint; takeProfitOrderId: number | null; stopLossOrderId: number | null }> {
  type R = { seq: bigint; takeProfitOrderId: number | null; stopLossOrderId: number | null };
  const hash = requestHash("orders.setTpSl", { ...p });
  let command: Command;
  try {
    rt.checkTradingAllowed(account, p.market);
    const m = marketOf(rt, p.market);
    checkBounds(m, { takeProfit: p.takeProfit, stopLoss: p.stopLoss });
    command = {
      type: "setTpSl",
      account,
      market: p.market,
      takeProfitPerLot: p.takeProfit === null ? null : priceToPerLot(m, p.takeProfit),
      stopLossPerLot: p.stopLoss === null ? null : priceToPerLot(m, p.stopLoss),
      slippageBps: p.slippageBps,
    };
  } catch (error) {
    return unwrap(refusal<R>(error));
  }
  const outcome = await rt.submitIdempotent<Outcome<R>>({
    account,
    key: p.idempotencyKey,
    requestHash: hash,
    command,
    respond(entry) {
      const refused = rejectionOf(entry.events, "setTpSl");
      if (refused !== null) return refused;
      let tp: number | null = null;
      let sl: number | null = null;
      for (const e of entry.events) {
        if (e.type !== "triggerAccepted" || e.account !== account) continue;
        if (e.kind === "takeProfit") tp = e.orderId;
        if (e.kind === "stopLoss") sl = e.orderId;
      }
      return success({ seq: entry.seq, takeProfitOrderId: tp, stopLossOrderId: sl });
    },
  });
  return unwrap(outcome);
}
