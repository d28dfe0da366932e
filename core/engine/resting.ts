/** Putting orders on and off the book, and ending them (locks released, done event). */
import { BUY } from "../market/book";
import type { DoneReason } from "./events";
import { moveBalance } from "./ledger";
import type { EngineState, Order } from "./state";

/** Rest an order on its book and count it in its leg (`indexed`: already in the order map, as when amended). */
export function rest(st: EngineState, order: Order, indexed = false): void {
  const leg = order.leg;
  leg.market.book.add(order);
  if (!indexed) st.orders.set(order.id, order);
  if (leg.market.isPerp) {
    if (order.reduceOnly) {
      // kept in id order so trimming is the same after a restore
      const list = leg.reduceOnly;
      let i = list.length;
      while (i > 0 && list[i - 1]!.id > order.id) i--;
      list.splice(i, 0, order);
    } else if (order.side === BUY) leg.openBuyLots += order.lots;
    else leg.openSellLots += order.lots;
  }
}

/** Take an order off its book and out of its leg's counts (`keepIndexed`: stays in the order map). */
export function unrest(st: EngineState, order: Order, keepIndexed = false): void {
  const leg = order.leg;
  leg.market.book.remove(order);
  if (!keepIndexed) st.orders.delete(order.id);
  if (leg.market.isPerp) {
    if (order.reduceOnly) {
      const i = leg.reduceOnly.indexOf(order);
      if (i >= 0) leg.reduceOnly.splice(i, 1);
    } else if (order.side === BUY) leg.openBuyLots -= order.lots;
    else leg.openSellLots -= order.lots;
  }
}

/** Release what an order still locks and emit its done event (the order is off the book). */
export function endOrder(st: EngineState, order: Order, reason: DoneReason): void {
  const leg = order.leg;
  const market = leg.market;
  const accountId = leg.account.id;
  const lotSize = market.params.lotSizeBase;
  if (!market.isPerp) {
    if (order.side === BUY) {
      if (order.lockedQuote !== 0n) {
        const q = order.lockedQuote;
        order.lockedQuote = 0n;
        moveBalance(st, accountId, market.params.quote.symbol, leg.quote, q, -q, "unlock");
      }
    } else if (order.lots !== 0n) {
      const b = order.lots * lotSize;
      moveBalance(st, accountId, market.params.base.symbol, leg.base, b, -b, "unlock");
    }
  }
  st.out.push({
    type: "orderDone",
    orderId: order.id,
    account: accountId,
    market: market.params.symbol,
    reason,
    remainingBase: reason === "filled" ? 0n : order.lots * lotSize,
    filledBase: order.filledLots * lotSize,
  });
}

/** Cancel a resting order: off the book, locks released, done event. */
export function cancelResting(st: EngineState, order: Order, reason: DoneReason): void {
  unrest(st, order);
  endOrder(st, order, reason);
}
