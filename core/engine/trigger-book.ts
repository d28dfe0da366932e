/**
 * Adding, removing and clearing pending triggers, with their events; the sorted book itself is
 * trigger-index.ts, firing is triggers.ts, and orders.ts registers stops here.
 */
import type { PlaceCommand, TimeInForce } from "./events";
import type { EngineState, Leg, MarketState, Trigger } from "./state";
import type { LongOf } from "./trigger-index";

/** A TP/SL's position direction now (flat counts as long: it is removed before it could fire). */
export function longOf(st: EngineState): LongOf {
  return (t) => (st.accounts.get(t.account)?.legs.get(t.market)?.position.lots ?? 0n) >= 0n;
}

/** Stop orders an account may have pending, over all markets (TP/SL are at most a pair per position). */
export const MAX_STOPS_PER_ACCOUNT = 50;

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

/** File a trigger in its market and the engine's index (and count an account's stops). */
export function fileTrigger(st: EngineState, market: MarketState, t: Trigger): void {
  market.triggers.add(longOf(st), t);
  st.triggers.set(t.id, t);
  if (t.kind === "stop") st.pendingStops.set(t.account, (st.pendingStops.get(t.account) ?? 0) + 1);
}

/** Add a trigger to its market and the engine's index, and say so. */
export function addTrigger(st: EngineState, market: MarketState, t: Trigger): void {
  fileTrigger(st, market, t);
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
  const mine = market.triggers.ofAccount(account);
  if (mine.length === 0) return;
  for (const t of mine.filter((x) => all || x.kind !== "stop")) removeTrigger(st, t, reason);
}

/** Take a trigger out of its market and the engine's index (no event: the caller says why). */
export function detachTrigger(st: EngineState, market: MarketState, t: Trigger): void {
  market.triggers.delete(t);
  if (st.triggers.delete(t.id) && t.kind === "stop") {
    const n = (st.pendingStops.get(t.account) ?? 1) - 1;
    if (n === 0) st.pendingStops.delete(t.account);
    else st.pendingStops.set(t.account, n);
  }
}

/** A leg's position changed: its TP/SL follow the position's direction. */
export function positionMoved(st: EngineState, leg: Leg): void {
  if (leg.market.triggers.size > 0) leg.market.triggers.positionMoved(longOf(st), leg.account.id);
}
