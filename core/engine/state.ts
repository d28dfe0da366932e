/**
 * The engine's mutable in-memory state: accounts with per-asset balances, one leg per
 * (account, market) holding the perpetual position and open-order totals, markets with their
 * books and prices, and the counters that make ids deterministic.
 */
import { Book, BookOrder, type SideIndex } from "../market/book";
import type { MarketParams } from "../market/config";
import type { EngineEvent, OrderKind, TimeInForce } from "./events";
import { TriggerBook, type Trigger } from "./trigger-index";

export type { Trigger };

/** Reserved account that collects trading fees (and pays maker rebates). */
export const FEE_ACCOUNT = "@fees";
/** Reserved account holding the insurance fund, per settlement asset. */
export const INSURANCE_ACCOUNT = "@insurance";
/** Reserved account of the exchange itself: last backstop after insurance and ADL. */
export const EXCHANGE_ACCOUNT = "@exchange";

/** True for the exchange's own accounts, which cannot trade. */
export function isReservedAccount(id: string): boolean {
  return id.startsWith("@");
}

/** One asset's balance in one account: free to use, and locked by resting spot orders. */
export class Balance {
  available = 0n;
  locked = 0n;
}

/** A net perpetual position: signed lots and the signed quote paid to open it (average cost). */
export class Position {
  lots = 0n;
  /** lots * price summed over the open part; positive for longs, negative for shorts. */
  entryQuote = 0n;
  realizedPnlQuote = 0n;
}

/** An account's stake in one market. */
export class Leg {
  readonly position = new Position();
  /** Lots of resting non-reduce-only orders per side (perpetual margin counts them). */
  openBuyLots = 0n;
  openSellLots = 0n;
  /** Resting reduce-only orders, oldest first. */
  readonly reduceOnly: Order[] = [];
  /** Set while this leg is in the engine's touched list for the current command. */
  touched = false;
  constructor(
    readonly account: Account,
    readonly market: MarketState,
    readonly base: Balance,
    readonly quote: Balance,
  ) {}
}

/** A trader (or reserved) account. */
export class Account {
  readonly balances = new Map<string, Balance>();
  readonly legs = new Map<string, Leg>();
  /** Legs in perpetual markets, in market creation order. */
  readonly perpLegs: Leg[] = [];
  constructor(readonly id: string) {}

  /** The balance of `asset`, created at zero. */
  balance(asset: string): Balance {
    let b = this.balances.get(asset);
    if (b === undefined) {
      b = new Balance();
      this.balances.set(asset, b);
    }
    return b;
  }
}

/** Why an order was placed: by its owner, by a trigger, or by the liquidation engine. */
export type OrderOrigin = "user" | "trigger" | "liquidation";

/** A live order of the engine (resting on the book or matching as taker). */
export class Order extends BookOrder {
  /** quote locked by a spot buy order, released as it fills or ends */
  lockedQuote = 0n;
  filledLots = 0n;
  constructor(
    id: number,
    side: SideIndex,
    tick: number,
    pricePerLot: bigint,
    lots: bigint,
    readonly leg: Leg,
    readonly kind: OrderKind,
    readonly tif: TimeInForce,
    readonly postOnly: boolean,
    readonly reduceOnly: boolean,
    readonly origin: OrderOrigin,
    readonly clientOrderId: string | null,
    /** bracket: position TP/SL set when this order first fills */
    readonly takeProfitPerLot: bigint | null,
    readonly stopLossPerLot: bigint | null,
  ) {
    super(id, side, tick, pricePerLot, lots);
  }
}

/** A market's configuration, book and prices. */
export class MarketState {
  readonly book = new Book<Order>();
  markPerLot: bigint | null = null;
  indexPerLot: bigint | null = null;
  lastPerLot: bigint | null = null;
  lastFundingMs: number | null = null;
  /** Pending triggers, sorted by price per direction (the oldest crossed fires first: triggers.ts). */
  readonly triggers = new TriggerBook();
  /** the highest fee rate a resting buy may pay, for its lock (recomputed by updateMarket) */
  maxFeePips: bigint;
  readonly isPerp: boolean;
  constructor(
    /** replaced as a whole by updateMarket (never tick, lot, symbol, kind or assets) */
    public params: MarketParams,
    /** position in creation order */
    readonly ordinal: number,
  ) {
    this.maxFeePips = params.takerFeePips > params.makerFeePips ? params.takerFeePips : params.makerFeePips;
    this.isPerp = params.kind === "perp";
  }
}

/** Everything the engine owns; one instance per sequencer. */
export class EngineState {
  readonly accounts = new Map<string, Account>();
  readonly markets = new Map<string, MarketState>();
  /** asset symbol -> decimals, from the markets that use it */
  readonly assets = new Map<string, number>();
  /** per asset: confirmed deposits minus completed withdrawals (SECURITY invariant 1) */
  readonly netDeposits = new Map<string, bigint>();
  /** orders on any book, and pending triggers, by id */
  readonly orders = new Map<number, Order>();
  readonly triggers = new Map<number, Trigger>();
  /** pending stop orders per account, over all markets (capped: trigger-book.ts) */
  readonly pendingStops = new Map<string, number>();
  nextOrderId = 1;
  commandsApplied = 0;
  /** events of the command being applied */
  out: EngineEvent[] = [];
  /** perpetual legs whose position changed during the current command */
  touched: Leg[] = [];
  /** orders with an attached TP/SL that filled for the first time during the current command */
  brackets: Order[] = [];
  /** markets whose trigger price moved during the current command */
  dirtyMarkets: MarketState[] = [];

  /** The account `id`, created empty if missing. */
  account(id: string): Account {
    let a = this.accounts.get(id);
    if (a === undefined) {
      a = new Account(id);
      this.accounts.set(id, a);
    }
    return a;
  }

  /** The account's leg in `market`, created if missing. */
  leg(account: Account, market: MarketState): Leg {
    let leg = account.legs.get(market.params.symbol);
    if (leg === undefined) {
      // a perpetual's base asset is virtual: its leg gets a detached balance that never moves
      const base = market.isPerp ? new Balance() : account.balance(market.params.base.symbol);
      leg = new Leg(account, market, base, account.balance(market.params.quote.symbol));
      account.legs.set(market.params.symbol, leg);
      if (market.isPerp) {
        const perps = account.perpLegs;
        let i = perps.length;
        while (i > 0 && perps[i - 1]!.market.ordinal > market.ordinal) i--;
        perps.splice(i, 0, leg);
      }
    }
    return leg;
  }
}
