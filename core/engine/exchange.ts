/**
 * The exchange engine: one deterministic state machine over every market and account.
 * `apply(command)` returns the events it caused; nothing else changes the state, and the
 * engine reads no clock and does no I/O. A single-writer sequencer journals the commands;
 * `snapshot()` + `Exchange.restore()` + replay rebuilds the same state.
 */
import type { MarketConfig } from "../market/config";
import { toClearlineError } from "../market/rejection";
import { BUY } from "../market/book";
import { max } from "../money/math";
import { equity, equityWithoutGains, initialRequirement, maintenanceRequirement, withdrawable } from "../risk/margin";
import { unrealizedPnl } from "../risk/position";
import { settlementLegs } from "./accounts";
import { addMarket, deposit, fundingTick, markPrice, updateMarket, withdraw } from "./commands";
import type { Command, EngineEvent } from "./events";
import { liquidateAll, liquidateIfNeeded } from "./liquidate";
import { amendOrder, cancelOrder } from "./order-changes";
import { placeOrder } from "./orders";
import { cancelResting } from "./resting";
import { restoreState, takeSnapshot, type EngineSnapshot } from "./snapshot";
import { EngineState, type Account, type Leg } from "./state";
import { clearAccountTriggers } from "./trigger-book";
import { runTriggers, setTpSl } from "./triggers";

/** Risk figures of one account in one settlement asset (all in quote base units). */
export interface AccountRisk {
  balanceQuote: bigint;
  /** balance + the positions' entry cost: deposits, fees, realized PnL and funding, without unrealized PnL */
  collateralQuote: bigint;
  equityQuote: bigint;
  unrealizedPnlQuote: bigint;
  initialMarginQuote: bigint;
  maintenanceMarginQuote: bigint;
  withdrawableQuote: bigint;
}

export class Exchange {
  private constructor(private st: EngineState) {}

  /** A new engine with these markets (throws a ClearlineError on an invalid config). */
  static create(markets: readonly MarketConfig[] = []): Exchange {
    const ex = new Exchange(new EngineState());
    for (const config of markets) {
      const events = ex.apply({ type: "addMarket", config });
      const rejected = events.find((e) => e.type === "rejected");
      if (rejected !== undefined && rejected.type === "rejected") throw toClearlineError(rejected);
    }
    return ex;
  }

  /** An engine rebuilt from a snapshot. */
  static restore(snapshot: EngineSnapshot): Exchange {
    return new Exchange(restoreState(snapshot));
  }

  /** The whole state as plain data (bigint allowed), for persistence and comparison. */
  snapshot(): EngineSnapshot {
    return takeSnapshot(this.st);
  }

  /** Apply one command; returns its events (a refused command yields one `rejected` event). */
  apply(command: Command): EngineEvent[] {
    const st = this.st;
    st.out = [];
    st.commandsApplied++;
    switch (command.type) {
      case "place":
        placeOrder(st, command, st.nextOrderId++, "user");
        break;
      case "cancel":
        cancelOrder(st, command);
        break;
      case "amend":
        amendOrder(st, command);
        break;
      case "deposit":
        deposit(st, command);
        break;
      case "withdraw":
        withdraw(st, command);
        break;
      case "markPrice":
        markPrice(st, command);
        break;
      case "fundingTick":
        fundingTick(st, command);
        break;
      case "setTpSl":
        setTpSl(st, command);
        break;
      case "liquidationCheck":
        liquidateAll(st);
        break;
      case "addMarket":
        addMarket(st, command);
        break;
      case "updateMarket":
        updateMarket(st, command);
        break;
      default:
        st.out.push({
          type: "rejected",
          command: (command as { type: Command["type"] }).type,
          orderId: null,
          account: null,
          code: "ORDER_INVALID",
          message: "unknown command",
          details: {},
        });
    }
    if (st.touched.length > 0 || st.brackets.length > 0 || st.dirtyMarkets.length > 0) afterCommand(st);
    return st.out;
  }

  /** Available and locked balance of an asset. */
  balance(account: string, asset: string): { available: bigint; locked: bigint } {
    const b = this.st.accounts.get(account)?.balances.get(asset);
    return { available: b?.available ?? 0n, locked: b?.locked ?? 0n };
  }

  /** A perpetual position (size in base units, signed). */
  position(account: string, market: string): { sizeBase: bigint; entryQuote: bigint; realizedPnlQuote: bigint } {
    const leg = this.st.accounts.get(account)?.legs.get(market);
    const lot = this.st.markets.get(market)?.params.lotSizeBase ?? 0n;
    return {
      sizeBase: (leg?.position.lots ?? 0n) * lot,
      entryQuote: leg?.position.entryQuote ?? 0n,
      realizedPnlQuote: leg?.position.realizedPnlQuote ?? 0n,
    };
  }

  /** Equity, margins and withdrawable amount of an account in a settlement asset. */
  risk(account: string, quote: string): AccountRisk {
    const a = this.st.accounts.get(account);
    const balanceQuote = a?.balances.get(quote)?.available ?? 0n;
    const legs = a === undefined ? [] : settlementLegs(a, quote);
    let upnl = 0n;
    let entry = 0n;
    for (const leg of legs) {
      if (leg.position.lots === 0n) continue;
      upnl += unrealizedPnl(leg.position, leg.market.markPerLot ?? 0n);
      entry += leg.position.entryQuote;
    }
    return {
      balanceQuote,
      collateralQuote: balanceQuote + entry,
      equityQuote: equity(balanceQuote, legs),
      unrealizedPnlQuote: upnl,
      initialMarginQuote: initialRequirement(legs),
      maintenanceMarginQuote: maintenanceRequirement(legs),
      withdrawableQuote: legs.length === 0 ? max(balanceQuote, 0n) : withdrawable(balanceQuote, legs),
    };
  }

  /** Equity with unrealized gains left out (what withdrawals are measured against). */
  realizedEquity(account: string, quote: string): bigint {
    const a = this.st.accounts.get(account);
    return a === undefined ? 0n : equityWithoutGains(a.balances.get(quote)?.available ?? 0n, settlementLegs(a, quote));
  }

  /** Prices of a market: mark, index and last trade (per lot), null until known. */
  prices(market: string): { markPerLot: bigint | null; indexPerLot: bigint | null; lastPerLot: bigint | null } {
    const m = this.st.markets.get(market);
    return {
      markPerLot: m?.markPerLot ?? null,
      indexPerLot: m?.indexPerLot ?? null,
      lastPerLot: m?.lastPerLot ?? null,
    };
  }

  /** Aggregated book depth: [pricePerLot, sizeBase] from the best level. */
  depth(market: string, levels = 20): { bids: [bigint, bigint][]; asks: [bigint, bigint][] } {
    const m = this.st.markets.get(market);
    if (m === undefined) return { bids: [], asks: [] };
    const d = m.book.depth(levels);
    const lot = m.params.lotSizeBase;
    const scale = (rows: [bigint, bigint][]) => rows.map(([p, l]) => [p, l * lot] as [bigint, bigint]);
    return { bids: scale(d.bids), asks: scale(d.asks) };
  }

  /** An account's resting orders (ids, side, price, remaining size). */
  openOrders(
    account: string,
  ): { orderId: number; market: string; side: "buy" | "sell"; pricePerLot: bigint; sizeBase: bigint }[] {
    const out = [];
    for (const o of this.st.orders.values()) {
      if (o.leg.account.id !== account) continue;
      out.push({
        orderId: o.id,
        market: o.leg.market.params.symbol,
        side: o.side === BUY ? ("buy" as const) : ("sell" as const),
        pricePerLot: o.pricePerLot,
        sizeBase: o.lots * o.leg.market.params.lotSizeBase,
      });
    }
    return out.sort((a, b) => a.orderId - b.orderId);
  }

  /** An account's pending triggers (stops, take-profits, stop-losses), oldest first; TP/SL have no side or size (they close the position). */
  triggerOrders(account: string): {
    orderId: number;
    market: string;
    kind: "stop" | "takeProfit" | "stopLoss";
    side: "buy" | "sell" | null;
    orderKind: "limit" | "market";
    triggerPerLot: bigint;
    pricePerLot: bigint | null;
    sizeBase: bigint | null;
    reduceOnly: boolean;
  }[] {
    const out = [];
    for (const t of this.st.triggers.values()) {
      if (t.account !== account) continue;
      out.push({
        orderId: t.id,
        market: t.market,
        kind: t.kind,
        side: t.side,
        orderKind: t.orderKind,
        triggerPerLot: t.triggerPerLot,
        pricePerLot: t.orderKind === "limit" ? t.pricePerLot : t.worstPricePerLot,
        sizeBase: t.sizeBase,
        reduceOnly: t.reduceOnly,
      });
    }
    return out.sort((a, b) => a.orderId - b.orderId);
  }

  /** A resting order's owner, side, price and remaining size, or null. */
  restingOrder(
    orderId: number,
  ): { account: string; market: string; side: "buy" | "sell"; pricePerLot: bigint; sizeBase: bigint } | null {
    const o = this.st.orders.get(orderId);
    if (o === undefined) return null;
    const m = o.leg.market.params;
    return {
      account: o.leg.account.id,
      market: m.symbol,
      side: o.side === BUY ? "buy" : "sell",
      pricePerLot: o.pricePerLot,
      sizeBase: o.lots * m.lotSizeBase,
    };
  }

  /** Open interest of a perpetual: the long lots over every account (= the short lots). */
  openInterestLots(market: string): bigint {
    let lots = 0n;
    for (const a of this.st.accounts.values()) {
      const l = a.legs.get(market)?.position.lots ?? 0n;
      if (l > 0n) lots += l;
    }
    return lots;
  }

  /** Number of resting orders in a market. */
  restingCount(market: string): number {
    return this.st.markets.get(market)?.book.size ?? 0;
  }
}

/**
 * Follow-ups of a command, repeated until quiet: set brackets' TP/SL, trim reduce-only orders
 * to their positions, drop TP/SL of closed positions, fire triggers, liquidate touched accounts.
 */
function afterCommand(st: EngineState): void {
  for (;;) {
    if (st.brackets.length > 0) {
      const orders = st.brackets;
      st.brackets = [];
      for (const o of orders) {
        if (o.leg.position.lots === 0n) continue;
        setTpSl(st, {
          type: "setTpSl",
          account: o.leg.account.id,
          market: o.leg.market.params.symbol,
          takeProfitPerLot: o.takeProfitPerLot,
          stopLossPerLot: o.stopLossPerLot,
        });
      }
      continue;
    }
    if (st.touched.length > 0) {
      const legs = st.touched;
      st.touched = [];
      const accounts: Account[] = [];
      for (const leg of legs) {
        leg.touched = false;
        trimReduceOnly(st, leg);
        if (leg.position.lots === 0n) clearAccountTriggers(st, leg.market, leg.account.id, "positionClosed");
        if (!accounts.includes(leg.account)) accounts.push(leg.account);
      }
      for (const a of accounts) liquidateIfNeeded(st, a);
      continue;
    }
    if (st.dirtyMarkets.length > 0) {
      const markets = st.dirtyMarkets;
      st.dirtyMarkets = [];
      for (const m of markets) runTriggers(st, m);
      continue;
    }
    return;
  }
}

/** Shrink or cancel resting reduce-only orders that would now exceed the position. */
function trimReduceOnly(st: EngineState, leg: Leg): void {
  if (leg.reduceOnly.length === 0) return;
  const pos = leg.position.lots;
  let sellRoom = pos > 0n ? pos : 0n;
  let buyRoom = pos < 0n ? -pos : 0n;
  for (const o of [...leg.reduceOnly]) {
    const room = o.side === BUY ? buyRoom : sellRoom;
    if (room === 0n) {
      cancelResting(st, o, "reduceOnly");
      continue;
    }
    if (o.lots > room) {
      leg.market.book.reduce(o, o.lots - room);
      const p = leg.market.params;
      st.out.push({
        type: "orderAmended",
        orderId: o.id,
        account: leg.account.id,
        market: p.symbol,
        pricePerLot: o.pricePerLot,
        sizeBase: o.lots * p.lotSizeBase,
        keptPriority: true,
      });
    }
    if (o.side === BUY) buyRoom -= o.lots;
    else sellRoom -= o.lots;
  }
}
