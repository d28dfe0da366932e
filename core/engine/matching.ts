/**
 * Matching a taker against the book, and settling each fill: spot fills move base and quote
 * between the two accounts; perpetual fills move quote (the settlement asset) and positions.
 * Self-trade prevention cancels the resting (maker) order and matching continues.
 */
import { feeForNotional } from "../fees/fees";
import { BUY, type BookSide } from "../market/book";
import { max, min } from "../money/math";
import { equity } from "../risk/margin";
import { applyTrade } from "../risk/position";
import { moveBalance } from "./ledger";
import { cancelResting, unrest, endOrder } from "./resting";
import { settlementLegs } from "./accounts";
import { positionMoved } from "./trigger-book";
import { FEE_ACCOUNT, INSURANCE_ACCOUNT, type EngineState, type Leg, type MarketState, type Order } from "./state";

/** Match `taker` against the opposite side up to its limit tick. Leaves `taker.lots` as what remains. */
export function matchTaker(st: EngineState, market: MarketState, taker: Order): void {
  const book = market.book;
  const opposite = taker.side === BUY ? book.asks : book.bids;
  const takerAccount = taker.leg.account;
  while (taker.lots > 0n) {
    const level = opposite.best();
    if (level === undefined) break;
    if (taker.side === BUY ? level.tick > taker.tick : level.tick < taker.tick) break;
    let maker = level.head;
    while (maker !== null && taker.lots > 0n) {
      const next = maker.next;
      if (maker.leg.account === takerAccount) {
        cancelResting(st, maker, "selfTrade");
      } else {
        let lots = min(maker.lots, taker.lots);
        if (maker.reduceOnly) lots = min(lots, reducibleLots(maker));
        if (lots <= 0n) cancelResting(st, maker, "reduceOnly");
        else {
          settleFill(st, market, maker, taker, lots, level.pricePerLot);
          if (maker.lots === 0n) {
            unrest(st, maker);
            endOrder(st, maker, "filled");
          }
        }
      }
      maker = next;
    }
  }
}

/** Lots a reduce-only order may still trade without flipping its account's position. */
export function reducibleLots(order: Order): bigint {
  const pos = order.leg.position.lots;
  const allowed = order.side === BUY ? -pos : pos;
  return allowed > 0n ? allowed : 0n;
}

/** Lots the taker could fill right now at or better than its limit (for FOK), stopping at `needed`. */
export function fillableLots(side: BookSide<Order>, taker: Order, needed: bigint): bigint {
  let sum = 0n;
  for (let i = side.sorted.length - 1; i >= 0 && sum < needed; i--) {
    const level = side.sorted[i]!;
    if (taker.side === BUY ? level.tick > taker.tick : level.tick < taker.tick) break;
    for (let o = level.head; o !== null && sum < needed; o = o.next) {
      if (o.leg.account === taker.leg.account) continue;
      sum += o.reduceOnly ? min(o.lots, reducibleLots(o)) : o.lots;
    }
  }
  return sum;
}

/** Settle one fill of `lots` at `pricePerLot` between a resting maker and the taker. */
function settleFill(
  st: EngineState,
  market: MarketState,
  maker: Order,
  taker: Order,
  lots: bigint,
  pricePerLot: bigint,
): void {
  const p = market.params;
  market.book.reduce(maker, lots);
  taker.lots -= lots;
  if (maker.filledLots === 0n && (maker.takeProfitPerLot !== null || maker.stopLossPerLot !== null))
    st.brackets.push(maker);
  if (taker.filledLots === 0n && (taker.takeProfitPerLot !== null || taker.stopLossPerLot !== null))
    st.brackets.push(taker);
  maker.filledLots += lots;
  taker.filledLots += lots;
  market.lastPerLot = pricePerLot;
  if (market.triggers.size > 0 && p.triggerSource === "last" && !st.dirtyMarkets.includes(market))
    st.dirtyMarkets.push(market);

  const notional = lots * pricePerLot;
  const liquidation = taker.origin === "liquidation";
  // a liquidation fill's taker fee goes to the insurance fund, so nothing in the fee account
  // would fund a maker rebate: such a fill pays none (a positive maker fee is still charged)
  const makerFee = liquidation && p.makerFeePips < 0n ? 0n : feeForNotional(notional, p.makerFeePips);
  const takerFee = liquidation
    ? liquidationFee(market, taker, lots, pricePerLot, notional)
    : feeForNotional(notional, p.takerFeePips);
  const lotSize = p.lotSizeBase;
  st.out.push({
    type: "fill",
    market: p.symbol,
    pricePerLot,
    sizeBase: lots * lotSize,
    notionalQuote: notional,
    takerSide: taker.side === BUY ? "buy" : "sell",
    makerOrderId: maker.id,
    takerOrderId: taker.id,
    maker: maker.leg.account.id,
    taker: taker.leg.account.id,
    makerFeeQuote: makerFee,
    takerFeeQuote: takerFee,
    liquidation,
  });
  const quote = p.quote.symbol;
  if (market.isPerp) {
    if (!maker.reduceOnly) {
      if (maker.side === BUY) maker.leg.openBuyLots -= lots;
      else maker.leg.openSellLots -= lots;
    }
    settlePerpSide(st, market, maker.leg, maker.side === BUY, lots, pricePerLot, notional, makerFee);
    settlePerpSide(st, market, taker.leg, taker.side === BUY, lots, pricePerLot, notional, liquidation ? 0n : takerFee);
    if (liquidation) {
      if (takerFee > 0n) {
        moveBalance(st, taker.leg.account.id, quote, taker.leg.quote, -takerFee, 0n, "liquidationFee");
        const fund = st.account(INSURANCE_ACCOUNT).balance(quote);
        moveBalance(st, INSURANCE_ACCOUNT, quote, fund, takerFee, 0n, "liquidationFee");
        st.out.push({
          type: "insurance",
          asset: quote,
          deltaQuote: takerFee,
          balanceQuote: fund.available,
          reason: "liquidationFee",
          account: taker.leg.account.id,
        });
      }
      collectFees(st, quote, makerFee);
    } else collectFees(st, quote, makerFee + takerFee);
    return;
  }
  const base = p.base.symbol;
  const baseAmount = lots * lotSize;
  const buyer = taker.side === BUY ? taker : maker;
  const seller = taker.side === BUY ? maker : taker;
  const buyerFee = buyer === taker ? takerFee : makerFee;
  const sellerFee = seller === taker ? takerFee : makerFee;
  // the buyer pays notional and a positive fee out of its lock; a rebate goes to available
  const fromLock = notional + (buyerFee > 0n ? buyerFee : 0n);
  buyer.lockedQuote -= fromLock;
  moveBalance(st, buyer.leg.account.id, quote, buyer.leg.quote, buyerFee < 0n ? -buyerFee : 0n, -fromLock, "trade");
  moveBalance(st, buyer.leg.account.id, base, buyer.leg.base, baseAmount, 0n, "trade");
  moveBalance(st, seller.leg.account.id, base, seller.leg.base, 0n, -baseAmount, "trade");
  moveBalance(st, seller.leg.account.id, quote, seller.leg.quote, notional - sellerFee, 0n, "trade");
  collectFees(st, quote, makerFee + takerFee);
}

/** Credit the fee account with a fill's net fees (taker fee plus maker fee or minus rebate). */
function collectFees(st: EngineState, asset: string, amount: bigint): void {
  if (amount === 0n) return;
  moveBalance(st, FEE_ACCOUNT, asset, st.account(FEE_ACCOUNT).balance(asset), amount, 0n, "fee");
}

/** One side of a perpetual trade (a fill, or an ADL step): quote flow, fee and position change. */
export function settlePerpSide(
  st: EngineState,
  market: MarketState,
  leg: Leg,
  isBuy: boolean,
  lots: bigint,
  pricePerLot: bigint,
  notional: bigint,
  fee: bigint,
  reason: "trade" | "adl" = "trade",
): void {
  const p = market.params;
  moveBalance(st, leg.account.id, p.quote.symbol, leg.quote, (isBuy ? -notional : notional) - fee, 0n, reason);
  applyTrade(leg.position, isBuy ? lots : -lots, pricePerLot);
  emitPosition(st, leg);
}

/** Emit a leg's position and mark it touched for after-command checks. */
export function emitPosition(st: EngineState, leg: Leg): void {
  const pos = leg.position;
  st.out.push({
    type: "position",
    account: leg.account.id,
    market: leg.market.params.symbol,
    sizeBase: pos.lots * leg.market.params.lotSizeBase,
    entryQuote: pos.entryQuote,
    realizedPnlQuote: pos.realizedPnlQuote,
  });
  if (!leg.touched) {
    leg.touched = true;
    st.touched.push(leg);
  }
  positionMoved(st, leg);
}

/** Liquidation fee of a liquidation fill, capped at the equity the account will have left. */
function liquidationFee(
  market: MarketState,
  taker: Order,
  lots: bigint,
  pricePerLot: bigint,
  notional: bigint,
): bigint {
  const leg = taker.leg;
  const mark = market.markPerLot ?? pricePerLot;
  const before = equity(leg.quote.available, settlementLegs(leg.account, market.params.quote.symbol));
  const after = before + (taker.side === BUY ? (mark - pricePerLot) * lots : (pricePerLot - mark) * lots);
  return min(feeForNotional(notional, market.params.liquidationFeePips), max(after, 0n));
}
