/** Placing an order: validation, locks or margin, then matching and resting (cancel and amend: order-changes.ts). */
import { buyLockQuote, feeForNotional } from "../fees/fees";
import { BUY, SELL, type SideIndex } from "../market/book";
import { rejection, type Rejection } from "../market/rejection";
import { divDown, divUp, max, min } from "../money/math";
import { equity, executionLoss, initialRequirement } from "../risk/margin";
import { settlementLegs, spendable } from "./accounts";
import type { Command, PlaceCommand } from "./events";
import { moveBalance } from "./ledger";
import { fillableLots, matchTaker } from "./matching";
import { endOrder, rest } from "./resting";
import { addStopTrigger, MAX_STOPS_PER_ACCOUNT } from "./trigger-book";
import { isReservedAccount, Order, type EngineState, type Leg, type MarketState, type OrderOrigin } from "./state";

const MAX_TICK = BigInt(Number.MAX_SAFE_INTEGER);

/** Emit a rejection of a command. */
export function reject(
  st: EngineState,
  command: Command["type"],
  orderId: number | null,
  account: string | null,
  r: Rejection,
): void {
  st.out.push({ type: "rejected", command, orderId, account, code: r.code, message: r.message, details: r.details });
}

/** Check a price is positive and on the tick grid; returns its tick index or a rejection. */
export function tickOf(market: MarketState, pricePerLot: bigint | undefined, field: string): number | Rejection {
  const tick = market.params.tickSizeQuote;
  if (typeof pricePerLot !== "bigint" || pricePerLot <= 0n)
    return rejection("PRICE_NOT_POSITIVE", `${field} must be a positive bigint`, {
      field,
      price: typeof pricePerLot === "bigint" ? pricePerLot : null,
    });
  if (pricePerLot % tick !== 0n)
    return rejection("PRICE_NOT_ON_TICK", `${field} ${pricePerLot} is not a multiple of the tick ${tick}`, {
      field,
      price: pricePerLot,
      tick,
    });
  const index = pricePerLot / tick;
  if (index > MAX_TICK)
    return rejection("PRICE_OUT_OF_RANGE", `${field} is too large`, { field, price: pricePerLot, tick });
  return Number(index);
}

/** Check a size is positive and a multiple of the lot; returns lots or a rejection. */
export function lotsOf(market: MarketState, sizeBase: bigint | undefined): bigint | Rejection {
  const lot = market.params.lotSizeBase;
  if (typeof sizeBase !== "bigint" || sizeBase <= 0n)
    return rejection("SIZE_NOT_POSITIVE", "size must be a positive bigint", {
      size: typeof sizeBase === "bigint" ? sizeBase : null,
    });
  if (sizeBase % lot !== 0n)
    return rejection("SIZE_NOT_ON_LOT", `size ${sizeBase} is not a multiple of the lot ${lot}`, {
      size: sizeBase,
      lot,
    });
  const lots = sizeBase / lot;
  if (lots > MAX_TICK)
    return rejection("SIZE_OUT_OF_RANGE", "size is too large", { field: "sizeBase", max: MAX_TICK * lot });
  return lots;
}

/**
 * A stop order is checked as the order it becomes, now, with the account's other pending stops
 * on that side counted as if they were open orders too: the minimum notional, the perpetual
 * margin (checkMargin), or the spot funds it would lock; and at most MAX_STOPS_PER_ACCOUNT
 * pending. Nothing is locked: the order it places is checked again when it fires.
 */
function checkStop(
  st: EngineState,
  leg: Leg,
  side: SideIndex,
  lots: bigint,
  pricePerLot: bigint,
  reduceOnly: boolean,
): Rejection | null {
  const account = leg.account;
  const m = leg.market;
  const p = m.params;
  const pending = st.pendingStops.get(account.id) ?? 0;
  if (pending >= MAX_STOPS_PER_ACCOUNT)
    return rejection("TOO_MANY_TRIGGERS", `at most ${MAX_STOPS_PER_ACCOUNT} stop orders may be pending`, {
      pending,
      max: MAX_STOPS_PER_ACCOUNT,
    });
  if (!reduceOnly && p.minNotionalQuote > 0n && lots * pricePerLot < p.minNotionalQuote)
    return rejection(
      "NOTIONAL_BELOW_MINIMUM",
      `notional ${lots * pricePerLot} is below the minimum ${p.minNotionalQuote}`,
      {
        notional: lots * pricePerLot,
        minimum: p.minNotionalQuote,
      },
    );
  let others = 0n;
  for (const t of m.triggers.ofAccount(account.id))
    if (t.kind === "stop" && !t.reduceOnly && (t.side === "buy") === (side === BUY))
      others += t.sizeBase! / p.lotSizeBase;
  const total = lots + (reduceOnly ? 0n : others);
  if (m.isPerp) return checkMargin(leg, side, total, 0n, pricePerLot, reduceOnly);
  const asset = side === BUY ? p.quote : p.base;
  const need = side === BUY ? buyLockQuote(total, pricePerLot, m.maxFeePips) : total * p.lotSizeBase;
  const available = spendable(account, asset.symbol, account.balance(asset.symbol).available);
  if (need > available)
    return rejection("INSUFFICIENT_BALANCE", `needs ${need} ${asset.symbol} available (with the pending stops)`, {
      asset: asset.symbol,
      available,
      required: need,
    });
  return null;
}

/**
 * A stop must wait for the price to move to its trigger: a buy stop above the market's trigger
 * price, a sell stop below it. One already crossed would fire at once as a market order the
 * trader did not mean to send, so it is refused (no reference price yet: accepted).
 */
function stopOnWrongSide(market: MarketState, side: SideIndex, triggerPerLot: bigint): Rejection | null {
  const p = market.params;
  const source = p.triggerSource === "last" ? "last" : "mark";
  const price = source === "last" ? market.lastPerLot : market.markPerLot;
  if (price === null) return null;
  const crossed = side === BUY ? price >= triggerPerLot : price <= triggerPerLot;
  if (!crossed) return null;
  return rejection(
    "STOP_WRONG_SIDE",
    `a ${side === BUY ? "buy" : "sell"} stop must trigger ${side === BUY ? "above" : "below"} the ${source} price`,
    { market: p.symbol, side: side === BUY ? "buy" : "sell", trigger: triggerPerLot, price, source },
  );
}

/** Spot: lock what the order may spend (buy: quote with fees; sell: base), or say why not. */
export function lockFunds(st: EngineState, order: Order, lots: bigint, pricePerLot: bigint): Rejection | null {
  const leg = order.leg;
  const m = leg.market;
  if (order.side === BUY) {
    const need = buyLockQuote(lots, pricePerLot, m.maxFeePips) - order.lockedQuote;
    const room = need > 0n ? spendable(leg.account, m.params.quote.symbol, leg.quote.available) : 0n;
    if (need > room)
      return rejection("INSUFFICIENT_BALANCE", `needs ${need} ${m.params.quote.symbol} available`, {
        asset: m.params.quote.symbol,
        available: room,
        required: need,
      });
    if (need !== 0n)
      moveBalance(st, leg.account.id, m.params.quote.symbol, leg.quote, -need, need, need > 0n ? "lock" : "unlock");
    order.lockedQuote += need;
    return null;
  }
  const need = (lots - order.lots) * m.params.lotSizeBase;
  const room = need > 0n ? spendable(leg.account, m.params.base.symbol, leg.base.available) : 0n;
  if (need > room)
    return rejection("INSUFFICIENT_BALANCE", `needs ${need} ${m.params.base.symbol} available`, {
      asset: m.params.base.symbol,
      available: room,
      required: need,
    });
  if (need !== 0n)
    moveBalance(st, leg.account.id, m.params.base.symbol, leg.base, -need, need, need > 0n ? "lock" : "unlock");
  return null;
}

/**
 * Perpetual pre-trade check: with the order fully filled at its limit, equity less the loss
 * against the mark and the fee must still cover initial margin (so no order opens a position
 * that is already liquidatable). `oldLots` is what the order already counts for (amend).
 * A reduce-only order needs only to keep equity non-negative: closing at a price far through
 * the mark must not leave a deficit behind.
 */
export function checkMargin(
  leg: Leg,
  side: SideIndex,
  lots: bigint,
  oldLots: bigint,
  limitPerLot: bigint,
  reduceOnly = false,
): Rejection | null {
  const m = leg.market;
  const mark = m.markPerLot;
  if (mark === null)
    return rejection("MARK_PRICE_UNAVAILABLE", `market ${m.params.symbol} has no mark price yet`, {
      market: m.params.symbol,
    });
  const legs = settlementLegs(leg.account, m.params.quote.symbol);
  const eq = equity(leg.quote.available, legs);
  const extra = lots - oldLots;
  // a reduce-only order lowers the requirement; it must only not leave the account bankrupt
  const required = reduceOnly
    ? 0n
    : initialRequirement(legs, { leg, buyLots: side === BUY ? extra : 0n, sellLots: side === SELL ? extra : 0n });
  const loss = executionLoss(side === BUY, lots, limitPerLot, mark);
  const fee = feeForNotional(lots * max(limitPerLot, mark), m.params.takerFeePips);
  if (eq - loss - fee < required)
    return rejection(
      "INSUFFICIENT_MARGIN",
      `equity ${eq} does not cover initial margin ${required} plus ${loss + fee} of price loss and fee`,
      { market: m.params.symbol, equity: eq, required: required + loss + fee },
    );
  return null;
}

/** Place an order (command, fired trigger or liquidation); all outcomes are events. */
export function placeOrder(st: EngineState, cmd: PlaceCommand, orderId: number, origin: OrderOrigin): void {
  const r = checkAndPlace(st, cmd, orderId, origin);
  if (r !== null) reject(st, "place", orderId, typeof cmd.account === "string" ? cmd.account : null, r);
}

/** The body of placeOrder: returns the rejection instead of emitting it (no closure on the hot path). */
function checkAndPlace(st: EngineState, cmd: PlaceCommand, orderId: number, origin: OrderOrigin): Rejection | null {
  const market = st.markets.get(cmd.market);
  if (market === undefined)
    return rejection("MARKET_NOT_FOUND", `no market ${cmd.market}`, { market: String(cmd.market) });
  if (origin === "user" && (typeof cmd.account !== "string" || isReservedAccount(cmd.account)))
    return rejection("ACCOUNT_RESERVED", "this account cannot trade", { account: String(cmd.account) });
  const p = market.params;
  const side: SideIndex | null = cmd.side === "buy" ? BUY : cmd.side === "sell" ? SELL : null;
  if (side === null) return rejection("ORDER_INVALID", "side must be buy or sell", { side: String(cmd.side) });
  const lotsOrErr = lotsOf(market, cmd.sizeBase);
  if (typeof lotsOrErr !== "bigint") return lotsOrErr;
  let lots = lotsOrErr;
  const kind = cmd.kind;
  const isLimit = kind === "limit" || kind === "stopLimit";
  if (!isLimit && kind !== "market" && kind !== "stopMarket")
    return rejection("ORDER_INVALID", "unknown order kind", { kind: String(kind) });
  const tif = cmd.tif ?? (isLimit ? "GTC" : "IOC");
  if (tif !== "GTC" && tif !== "IOC" && tif !== "FOK")
    return rejection("ORDER_INVALID", "tif must be GTC, IOC or FOK", { tif: String(tif) });
  if (!isLimit && tif === "GTC") return rejection("ORDER_INVALID", "a market order cannot rest (GTC)", { kind });
  const postOnly = cmd.postOnly === true;
  if (postOnly && (tif !== "GTC" || !isLimit))
    return rejection("ORDER_INVALID", "post-only needs a GTC limit order", { tif, kind });
  const reduceOnly = cmd.reduceOnly === true;
  if (reduceOnly && !market.isPerp)
    return rejection("PERP_ONLY", "reduce-only is for perpetuals", { market: p.symbol });
  const tp = cmd.takeProfitPerLot ?? null;
  const sl = cmd.stopLossPerLot ?? null;
  if ((tp !== null || sl !== null) && !market.isPerp)
    return rejection("PERP_ONLY", "take-profit / stop-loss are for perpetuals", { market: p.symbol });
  if ((tp !== null && tp <= 0n) || (sl !== null && sl <= 0n))
    return rejection("TRIGGER_PRICE_INVALID", "take-profit and stop-loss must be positive", {
      takeProfit: tp,
      stopLoss: sl,
    });

  let tick: number;
  let pricePerLot: bigint;
  if (isLimit) {
    const t = tickOf(market, cmd.pricePerLot, "pricePerLot");
    if (typeof t !== "number") return t;
    tick = t;
    pricePerLot = cmd.pricePerLot!;
  } else {
    const worst = cmd.worstPricePerLot;
    if (typeof worst !== "bigint" || worst <= 0n)
      return rejection("PRICE_NOT_POSITIVE", "a market order needs a positive worstPricePerLot (slippage bound)", {
        field: "worstPricePerLot",
        price: typeof worst === "bigint" ? worst : null,
      });
    const index = side === BUY ? divDown(worst, p.tickSizeQuote) : divUp(worst, p.tickSizeQuote);
    tick = Number(min(index, MAX_TICK));
    pricePerLot = worst;
  }

  if ((kind === "stopLimit" || kind === "stopMarket") && origin !== "trigger") {
    const trig = cmd.triggerPerLot;
    if (typeof trig !== "bigint" || trig <= 0n)
      return rejection("TRIGGER_PRICE_INVALID", "a stop order needs a positive triggerPerLot", {
        trigger: typeof trig === "bigint" ? trig : null,
      });
    if (trig / p.tickSizeQuote > MAX_TICK)
      return rejection("PRICE_OUT_OF_RANGE", "triggerPerLot is too large", {
        field: "triggerPerLot",
        tick: p.tickSizeQuote,
      });
    if (tp !== null || sl !== null)
      return rejection("ORDER_INVALID", "a stop order cannot carry take-profit / stop-loss", { kind });
    const wrongSide = stopOnWrongSide(market, side, trig);
    if (wrongSide !== null) return wrongSide;
    const account = st.accounts.get(cmd.account);
    if (account === undefined)
      return rejection("INSUFFICIENT_BALANCE", "unknown account has no funds", { account: cmd.account, available: 0n });
    const r = checkStop(st, st.leg(account, market), side, lots, pricePerLot, reduceOnly);
    if (r !== null) return r;
    addStopTrigger(st, market, orderId, cmd, isLimit, tif, reduceOnly);
    return null;
  }

  const account = st.accounts.get(cmd.account);
  if (account === undefined)
    return rejection("INSUFFICIENT_BALANCE", "unknown account has no funds", { account: cmd.account, available: 0n });
  const leg = st.leg(account, market);
  if (reduceOnly) {
    const pos = leg.position.lots;
    const allowed = side === BUY ? -pos : pos;
    if (allowed <= 0n)
      return rejection("REDUCE_ONLY_WOULD_INCREASE", "a reduce-only order must be against the open position", {
        position: pos * p.lotSizeBase,
        side: cmd.side,
      });
    lots = min(lots, allowed);
  }
  const opposite = side === BUY ? market.book.asks.best() : market.book.bids.best();
  if (!reduceOnly && p.minNotionalQuote > 0n) {
    const refPrice = isLimit || opposite === undefined ? pricePerLot : opposite.pricePerLot;
    if (lots * refPrice < p.minNotionalQuote)
      return rejection(
        "NOTIONAL_BELOW_MINIMUM",
        `notional ${lots * refPrice} is below the minimum ${p.minNotionalQuote}`,
        { notional: lots * refPrice, minimum: p.minNotionalQuote },
      );
  }
  if (postOnly && opposite !== undefined && (side === BUY ? opposite.tick <= tick : opposite.tick >= tick))
    return rejection("POST_ONLY_WOULD_TAKE", "a post-only order would take liquidity", {
      price: pricePerLot,
      bestOpposite: opposite.pricePerLot,
    });

  const order = new Order(
    orderId,
    side,
    tick,
    pricePerLot,
    0n,
    leg,
    kind,
    tif,
    postOnly,
    reduceOnly,
    origin,
    cmd.clientOrderId ?? null,
    tp,
    sl,
  );
  if (tif === "FOK") {
    const fillable = fillableLots(side === BUY ? market.book.asks : market.book.bids, order, lots);
    if (fillable < lots)
      return rejection("FOK_NOT_FILLABLE", "fill-or-kill order cannot fill entirely", {
        size: lots * p.lotSizeBase,
        fillable: fillable * p.lotSizeBase,
      });
  }
  if (market.isPerp) {
    if (origin !== "liquidation") {
      const r = checkMargin(leg, side, lots, 0n, pricePerLot, reduceOnly);
      if (r !== null) return r;
    }
  } else {
    const r = lockFunds(st, order, lots, pricePerLot);
    if (r !== null) return r;
  }
  order.lots = lots;
  st.out.push({
    type: "orderAccepted",
    orderId,
    account: account.id,
    market: p.symbol,
    side: cmd.side,
    kind,
    pricePerLot: isLimit ? pricePerLot : null,
    sizeBase: lots * p.lotSizeBase,
    tif,
    postOnly,
    reduceOnly,
    clientOrderId: order.clientOrderId,
    origin,
  });
  matchTaker(st, market, order);
  if (order.lots === 0n) endOrder(st, order, "filled");
  else if (isLimit && tif === "GTC") rest(st, order);
  else endOrder(st, order, origin === "liquidation" ? "liquidation" : "expired");
  return null;
}
