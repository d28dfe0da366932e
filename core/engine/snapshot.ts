/**
 * Snapshots: the whole engine state as plain data (bigint allowed, no classes, no cycles),
 * and the way back. Orders are listed in book priority order, so re-adding them in that
 * order rebuilds identical books; restore(snapshot) then replaying the journal of commands
 * gives a state whose snapshot deep-equals the live one.
 */
import type { MarketParams } from "../market/config";
import { BUY, SELL } from "../market/book";
import type { OrderKind, TimeInForce } from "./events";
import { rest } from "./resting";
import { fileTrigger } from "./trigger-book";
import { EngineState, MarketState, Order, type OrderOrigin, type Trigger } from "./state";

export interface MarketSnapshot {
  params: MarketParams;
  markPerLot: bigint | null;
  indexPerLot: bigint | null;
  lastPerLot: bigint | null;
  lastFundingMs: number | null;
  triggers: Trigger[];
}

export interface LegSnapshot {
  market: string;
  lots: bigint;
  entryQuote: bigint;
  realizedPnlQuote: bigint;
  openBuyLots: bigint;
  openSellLots: bigint;
}

export interface AccountSnapshot {
  id: string;
  balances: { asset: string; available: bigint; locked: bigint }[];
  legs: LegSnapshot[];
}

export interface OrderSnapshot {
  id: number;
  account: string;
  market: string;
  side: "buy" | "sell";
  pricePerLot: bigint;
  lots: bigint;
  filledLots: bigint;
  lockedQuote: bigint;
  kind: OrderKind;
  tif: TimeInForce;
  postOnly: boolean;
  reduceOnly: boolean;
  origin: OrderOrigin;
  clientOrderId: string | null;
  takeProfitPerLot: bigint | null;
  stopLossPerLot: bigint | null;
}

export interface EngineSnapshot {
  version: 1;
  nextOrderId: number;
  commandsApplied: number;
  assets: { symbol: string; decimals: number }[];
  netDeposits: { asset: string; amount: bigint }[];
  markets: MarketSnapshot[];
  accounts: AccountSnapshot[];
  orders: OrderSnapshot[];
}

/** Capture the state as plain data. */
export function takeSnapshot(st: EngineState): EngineSnapshot {
  const markets = [...st.markets.values()];
  return {
    version: 1,
    nextOrderId: st.nextOrderId,
    commandsApplied: st.commandsApplied,
    assets: [...st.assets].map(([symbol, decimals]) => ({ symbol, decimals })),
    netDeposits: [...st.netDeposits].map(([asset, amount]) => ({ asset, amount })),
    markets: markets.map((m) => ({
      params: { ...m.params, base: { ...m.params.base }, quote: { ...m.params.quote } },
      markPerLot: m.markPerLot,
      indexPerLot: m.indexPerLot,
      lastPerLot: m.lastPerLot,
      lastFundingMs: m.lastFundingMs,
      triggers: m.triggers.all().map((t) => ({ ...t })),
    })),
    accounts: [...st.accounts.values()].map((a) => ({
      id: a.id,
      balances: [...a.balances].map(([asset, b]) => ({ asset, available: b.available, locked: b.locked })),
      legs: [...a.legs.values()].map((l) => ({
        market: l.market.params.symbol,
        lots: l.position.lots,
        entryQuote: l.position.entryQuote,
        realizedPnlQuote: l.position.realizedPnlQuote,
        openBuyLots: l.openBuyLots,
        openSellLots: l.openSellLots,
      })),
    })),
    orders: markets.flatMap((m) =>
      [...m.book.inPriorityOrder()].map((o) => ({
        id: o.id,
        account: o.leg.account.id,
        market: m.params.symbol,
        side: o.side === BUY ? ("buy" as const) : ("sell" as const),
        pricePerLot: o.pricePerLot,
        lots: o.lots,
        filledLots: o.filledLots,
        lockedQuote: o.lockedQuote,
        kind: o.kind,
        tif: o.tif,
        postOnly: o.postOnly,
        reduceOnly: o.reduceOnly,
        origin: o.origin,
        clientOrderId: o.clientOrderId,
        takeProfitPerLot: o.takeProfitPerLot,
        stopLossPerLot: o.stopLossPerLot,
      })),
    ),
  };
}

/** Rebuild an engine state from a snapshot. */
export function restoreState(s: EngineSnapshot): EngineState {
  if (s.version !== 1) throw new Error(`unknown snapshot version ${String(s.version)}`);
  const st = new EngineState();
  st.nextOrderId = s.nextOrderId;
  st.commandsApplied = s.commandsApplied;
  for (const a of s.assets) st.assets.set(a.symbol, a.decimals);
  for (const d of s.netDeposits) st.netDeposits.set(d.asset, d.amount);
  for (const m of s.markets) {
    const market = new MarketState(
      { ...m.params, base: { ...m.params.base }, quote: { ...m.params.quote } },
      st.markets.size,
    );
    market.markPerLot = m.markPerLot;
    market.indexPerLot = m.indexPerLot;
    market.lastPerLot = m.lastPerLot;
    market.lastFundingMs = m.lastFundingMs;
    st.markets.set(market.params.symbol, market);
  }
  for (const a of s.accounts) {
    const account = st.account(a.id);
    for (const b of a.balances) {
      const bal = account.balance(b.asset);
      bal.available = b.available;
      bal.locked = b.locked;
    }
    for (const l of a.legs) {
      const leg = st.leg(account, st.markets.get(l.market)!);
      leg.position.lots = l.lots;
      leg.position.entryQuote = l.entryQuote;
      leg.position.realizedPnlQuote = l.realizedPnlQuote;
    }
  }
  // triggers after the positions: a TP/SL is filed by its position's direction
  for (const m of s.markets) {
    const market = st.markets.get(m.params.symbol)!;
    for (const t of m.triggers) fileTrigger(st, market, { ...t });
  }
  for (const o of s.orders) {
    const market = st.markets.get(o.market)!;
    const leg = st.accounts.get(o.account)!.legs.get(o.market)!;
    const order = new Order(
      o.id,
      o.side === "buy" ? BUY : SELL,
      Number(o.pricePerLot / market.params.tickSizeQuote),
      o.pricePerLot,
      o.lots,
      leg,
      o.kind,
      o.tif,
      o.postOnly,
      o.reduceOnly,
      o.origin,
      o.clientOrderId,
      o.takeProfitPerLot,
      o.stopLossPerLot,
    );
    order.filledLots = o.filledLots;
    order.lockedQuote = o.lockedQuote;
    rest(st, order);
  }
  return st;
}
