/** Cancel and amend a resting order (or a pending stop): the owner's checks, then the book and the locks follow. */
import { BUY } from "../market/book";
import { rejection, type Rejection } from "../market/rejection";
import type { AmendCommand, CancelCommand } from "./events";
import { matchTaker } from "./matching";
import { cancelResting, endOrder, rest, unrest } from "./resting";
import { removeTrigger } from "./trigger-book";
import { type EngineState } from "./state";
import { checkMargin, lockFunds, lotsOf, reject, tickOf } from "./orders";

/**
 * Another account's order is answered exactly as a missing one (ORDER_NOT_FOUND, the same
 * message): a trader cannot tell which ids exist by trying them.
 */
function notFound(orderId: number): Rejection {
  return rejection("ORDER_NOT_FOUND", `no open order ${orderId}`, { orderId });
}

/** Cancel a resting order or pending trigger of the account. */
export function cancelOrder(st: EngineState, cmd: CancelCommand): void {
  const order = st.orders.get(cmd.orderId);
  if (order !== undefined && order.leg.account.id === cmd.account) return cancelResting(st, order, "cancelled");
  const trigger = st.triggers.get(cmd.orderId);
  if (trigger !== undefined && trigger.account === cmd.account) return removeTrigger(st, trigger, "cancelled");
  reject(st, "cancel", cmd.orderId, cmd.account, notFound(cmd.orderId));
}

/** Amend a resting order's price and/or remaining size. */
export function amendOrder(st: EngineState, cmd: AmendCommand): void {
  const r = checkAndAmend(st, cmd);
  if (r !== null) reject(st, "amend", cmd.orderId, cmd.account, r);
}

function checkAndAmend(st: EngineState, cmd: AmendCommand): Rejection | null {
  const order = st.orders.get(cmd.orderId);
  if (order === undefined || order.leg.account.id !== cmd.account) {
    if (st.triggers.get(cmd.orderId)?.account === cmd.account)
      return rejection("ORDER_INVALID", "a pending trigger cannot be amended: cancel and place again", {
        orderId: cmd.orderId,
      });
    return notFound(cmd.orderId);
  }
  const leg = order.leg;
  const market = leg.market;
  const p = market.params;
  let tick = order.tick;
  let price = order.pricePerLot;
  if (cmd.pricePerLot !== undefined) {
    const t = tickOf(market, cmd.pricePerLot, "pricePerLot");
    if (typeof t !== "number") return t;
    tick = t;
    price = cmd.pricePerLot;
  }
  let lots = order.lots;
  if (cmd.sizeBase !== undefined) {
    const l = lotsOf(market, cmd.sizeBase);
    if (typeof l !== "bigint") return l;
    lots = l;
  }
  if (price === order.pricePerLot && lots === order.lots)
    return rejection("AMEND_NO_CHANGE", "the amend changes neither price nor size", { orderId: cmd.orderId });
  const keepsPriority = price === order.pricePerLot && lots < order.lots;
  if (order.reduceOnly) {
    const allowed = order.side === BUY ? -leg.position.lots : leg.position.lots;
    if (lots > allowed)
      return rejection("REDUCE_ONLY_WOULD_INCREASE", "a reduce-only order cannot exceed the position", {
        size: lots * p.lotSizeBase,
        position: leg.position.lots * p.lotSizeBase,
      });
  } else if (!keepsPriority && p.minNotionalQuote > 0n && lots * price < p.minNotionalQuote) {
    return rejection("NOTIONAL_BELOW_MINIMUM", `notional ${lots * price} is below the minimum ${p.minNotionalQuote}`, {
      notional: lots * price,
      minimum: p.minNotionalQuote,
    });
  }
  if (order.postOnly) {
    const opposite = order.side === BUY ? market.book.asks.best() : market.book.bids.best();
    if (opposite !== undefined && (order.side === BUY ? opposite.tick <= tick : opposite.tick >= tick))
      return rejection("POST_ONLY_WOULD_TAKE", "a post-only order would take liquidity", {
        price,
        bestOpposite: opposite.pricePerLot,
      });
  }
  if (market.isPerp) {
    if (!keepsPriority && order.origin !== "liquidation") {
      const r = checkMargin(leg, order.side, lots, order.lots, price, order.reduceOnly);
      if (r !== null) return r;
    }
  } else {
    const r = lockFunds(st, order, lots, price);
    if (r !== null) return r;
  }
  st.out.push({
    type: "orderAmended",
    orderId: order.id,
    account: leg.account.id,
    market: p.symbol,
    pricePerLot: price,
    sizeBase: lots * p.lotSizeBase,
    keptPriority: keepsPriority,
  });
  if (keepsPriority) {
    const cut = order.lots - lots;
    market.book.reduce(order, cut);
    if (market.isPerp && !order.reduceOnly) {
      if (order.side === BUY) leg.openBuyLots -= cut;
      else leg.openSellLots -= cut;
    }
    return null;
  }
  // off the book but still indexed by id: it re-rests under the same id unless it fills
  unrest(st, order, true);
  order.tick = tick;
  order.pricePerLot = price;
  order.lots = lots;
  matchTaker(st, market, order);
  if (order.lots === 0n) {
    st.orders.delete(order.id);
    endOrder(st, order, "filled");
  } else rest(st, order, true);
  return null;
}
