/**
 * Conditional orders: stops, and a position's take-profit / stop-loss pair (one cancels the
 * other). Each trigger is removed before its order is placed, so it fires exactly once. The
 * pending triggers themselves are kept by trigger-book.ts.
 */
import { BPS, mulDivDown, mulDivUp } from "../money/math";
import { rejection } from "../market/rejection";
import type { PlaceCommand, SetTpSlCommand } from "./events";
import { placeOrder, reject } from "./orders";
import type { EngineState, MarketState, Trigger } from "./state";
import { addTrigger, clearAccountTriggers, detachTrigger, longOf, removeTrigger } from "./trigger-book";
import { TriggerHeap } from "./trigger-index";

const DEFAULT_TPSL_SLIPPAGE_BPS = 500n;

/** Set a position's take-profit and stop-loss (replacing the old pair); null clears one. */
export function setTpSl(st: EngineState, cmd: SetTpSlCommand): void {
  const fail = (
    code: Parameters<typeof rejection>[0],
    message: string,
    details: Record<string, string | bigint | null>,
  ) => reject(st, "setTpSl", null, cmd.account, rejection(code, message, details));
  const market = st.markets.get(cmd.market);
  if (market === undefined) return fail("MARKET_NOT_FOUND", `no market ${cmd.market}`, { market: String(cmd.market) });
  if (!market.isPerp) return fail("PERP_ONLY", "take-profit / stop-loss are for perpetuals", { market: cmd.market });
  const tp = cmd.takeProfitPerLot;
  const sl = cmd.stopLossPerLot;
  const slip = cmd.slippageBps ?? DEFAULT_TPSL_SLIPPAGE_BPS;
  if ((tp !== null && tp <= 0n) || (sl !== null && sl <= 0n) || slip < 0n || slip >= BPS)
    return fail("TRIGGER_PRICE_INVALID", "take-profit / stop-loss must be positive and slippage below 10000 bps", {
      takeProfit: tp,
      stopLoss: sl,
      slippageBps: slip,
    });
  const leg = st.accounts.get(cmd.account)?.legs.get(cmd.market);
  if (leg === undefined || leg.position.lots === 0n)
    return fail("NO_POSITION", "there is no open position to protect", { market: cmd.market });
  clearAccountTriggers(st, market, cmd.account, "replaced");
  const make = (kind: "takeProfit" | "stopLoss", price: bigint): Trigger => ({
    id: st.nextOrderId++,
    account: cmd.account,
    market: cmd.market,
    kind,
    triggerPerLot: price,
    side: null,
    orderKind: "market",
    pricePerLot: null,
    worstPricePerLot: null,
    sizeBase: null,
    tif: "IOC",
    reduceOnly: true,
    slippageBps: slip,
    ocoId: null,
    clientOrderId: null,
  });
  const tpT = tp !== null ? make("takeProfit", tp) : null;
  const slT = sl !== null ? make("stopLoss", sl) : null;
  if (tpT && slT) {
    tpT.ocoId = slT.id;
    slT.ocoId = tpT.id;
  }
  if (tpT) addTrigger(st, market, tpT);
  if (slT) addTrigger(st, market, slT);
}

/** Does `t` fire at `price`? Stops by their side; TP/SL by the position's direction now. */
function crosses(st: EngineState, t: Trigger, price: bigint): boolean | null {
  if (t.kind === "stop") return t.side === "buy" ? price >= t.triggerPerLot : price <= t.triggerPerLot;
  const lots = st.accounts.get(t.account)?.legs.get(t.market)?.position.lots ?? 0n;
  if (lots === 0n) return null;
  const above = price >= t.triggerPerLot;
  const below = price <= t.triggerPerLot;
  if (t.kind === "takeProfit") return lots > 0n ? above : below;
  return lots > 0n ? below : above;
}

/**
 * Fire the triggers of the market crossed by its trigger price, the oldest crossed first, until
 * none is: the crossed ones come off the sorted book (trigger-index.ts) into a heap by id; each
 * is checked again at the price of the moment (a fill may have moved it) — fired, put back, or
 * dropped if its position is gone. N fires cost O(N log N).
 */
export function runTriggers(st: EngineState, market: MarketState): void {
  const book = market.triggers;
  const heap = new TriggerHeap();
  for (;;) {
    const price = market.params.triggerSource === "last" ? market.lastPerLot : market.markPerLot;
    if (price === null) break;
    book.takeCrossed(price, heap);
    const t = heap.pop();
    if (t === undefined) return;
    if (!book.isCandidate(t)) continue; // removed since (its OCO partner fired, …)
    const c = crosses(st, t, price);
    if (c === null) removeTrigger(st, t, "positionClosed");
    else if (c) fire(st, market, t, price);
    else book.refile(longOf(st), t);
  }
  for (let t = heap.pop(); t !== undefined; t = heap.pop()) if (book.isCandidate(t)) book.refile(longOf(st), t);
}

function fire(st: EngineState, market: MarketState, t: Trigger, price: bigint): void {
  detachTrigger(st, market, t);
  st.out.push({
    type: "triggered",
    orderId: t.id,
    account: t.account,
    market: t.market,
    kind: t.kind,
    triggerPerLot: t.triggerPerLot,
    pricePerLot: price,
  });
  if (t.ocoId !== null) {
    const other = st.triggers.get(t.ocoId);
    if (other !== undefined) removeTrigger(st, other, "oco");
  }
  const p = market.params;
  let cmd: PlaceCommand;
  if (t.kind === "stop") {
    cmd = {
      type: "place",
      account: t.account,
      market: t.market,
      side: t.side!,
      kind: t.orderKind,
      sizeBase: t.sizeBase!,
      tif: t.tif,
      reduceOnly: t.reduceOnly,
      clientOrderId: t.clientOrderId ?? undefined,
      ...(t.orderKind === "limit" ? { pricePerLot: t.pricePerLot! } : { worstPricePerLot: t.worstPricePerLot! }),
    };
  } else {
    const lots = st.accounts.get(t.account)!.legs.get(t.market)!.position.lots;
    const sell = lots > 0n;
    const worst = sell
      ? mulDivDown(t.triggerPerLot, BPS - t.slippageBps, BPS)
      : mulDivUp(t.triggerPerLot, BPS + t.slippageBps, BPS);
    cmd = {
      type: "place",
      account: t.account,
      market: t.market,
      side: sell ? "sell" : "buy",
      kind: "market",
      sizeBase: (sell ? lots : -lots) * p.lotSizeBase,
      worstPricePerLot: worst > 0n ? worst : 1n,
      reduceOnly: true,
    };
  }
  placeOrder(st, cmd, t.id, "trigger");
}
