/**
 * The pending-trigger book: add, remove and clear a market's stop and TP/SL triggers (with their
 * events). Firing them is triggers.ts; placing orders is orders.ts, which registers stops here.
 */
import type { PlaceCommand, TimeInForce } from "./events";
import type { EngineState, MarketState, Trigger } from "./state";

/** Register a stop order; it becomes a market or limit order when the trigger price is crossed. */
export function addStopTrigger(
  st: EngineState,
  market: MarketState,
  id: number,
  cmd: PlaceCommand,
  isLimit: boolean,
  tif: TimeInForce,
  reduceOnly: boolean,
): void {
  const t: Trigger = {
    id,
    account: cmd.account,
    market: market.params.symbol,
    kind: "stop",
    triggerPerLot: cmd.triggerPerLot!,
    side: cmd.side,
    orderKind: isLimit ? "limit" : "market",
    pricePerLot: isLimit ? cmd.pricePerLot! : null,
    worstPricePerLot: isLimit ? null : cmd.worstPricePerLot!,
    sizeBase: cmd.sizeBase,
    tif,
    reduceOnly,
    slippageBps: 0n,
    ocoId: null,
    clientOrderId: cmd.clientOrderId ?? null,
  };
  addTrigger(st, market, t);
}

/** Add a trigger to its market and the engine's index, and say so. */
export function addTrigger(st: EngineState, market: MarketState, t: Trigger): void {
  market.triggers.push(t);
  st.triggers.set(t.id, t);
  st.out.push({
    type: "triggerAccepted",
    orderId: t.id,
    account: t.account,
    market: t.market,
    kind: t.kind,
    triggerPerLot: t.triggerPerLot,
  });
}

/** Drop a pending trigger (and say why). */
export function removeTrigger(
  st: EngineState,
  t: Trigger,
  reason: "cancelled" | "oco" | "positionClosed" | "replaced" | "liquidation",
): void {
  detachTrigger(st, st.markets.get(t.market)!, t);
  st.out.push({ type: "triggerCancelled", orderId: t.id, account: t.account, market: t.market, reason });
}

/** Remove an account's TP/SL pair in a market (all of its triggers there with `all`). */
export function clearAccountTriggers(
  st: EngineState,
  market: MarketState,
  account: string,
  reason: "positionClosed" | "replaced" | "liquidation",
  all = false,
): void {
  if (market.triggers.length === 0) return;
  for (const t of market.triggers.filter((x) => x.account === account && (all || x.kind !== "stop")))
    removeTrigger(st, t, reason);
}

/** Take a trigger out of its market and the engine's index (no event: the caller says why). */
export function detachTrigger(st: EngineState, market: MarketState, t: Trigger): void {
  const i = market.triggers.indexOf(t);
  if (i >= 0) market.triggers.splice(i, 1);
  st.triggers.delete(t.id);
}
