/**
 * The pending-trigger book of one market: its stop and TP/SL triggers sorted by trigger price,
 * so the ones a price crosses are taken off the end of an array, and an index per account
 * (caps, clearing an account's triggers, re-filing a TP/SL when its position changes side).
 * trigger-book.ts adds and removes triggers with their events; triggers.ts fires them.
 *
 * Each trigger is filed on one of two sides, by the direction it fires in:
 * - `up` (fires when the price is at or above it: buy stops, a long's take-profit, a short's
 *   stop-loss), sorted by price descending, so the lowest — the first to cross — is last;
 * - `down` (at or below: sell stops, a long's stop-loss, a short's take-profit), ascending.
 * A TP/SL's direction follows its position: when the position changes side (a fill through
 * zero) the trigger is moved (`positionMoved`, called for every position change).
 * Insert and cancel are a binary search and a splice; firing N triggers is N pops and N heap
 * operations: O(N log N), where rescanning the whole list after each fire was O(N²).
 */
import type { TimeInForce } from "./events";

/** A pending conditional order: a stop, or a position's take-profit / stop-loss. */
export interface Trigger {
  id: number;
  account: string;
  market: string;
  kind: "stop" | "takeProfit" | "stopLoss";
  triggerPerLot: bigint;
  /** stops: side and direction are fixed; TP/SL close whatever the position is when they fire */
  side: "buy" | "sell" | null;
  /** the order placed when it fires */
  orderKind: "limit" | "market";
  pricePerLot: bigint | null;
  worstPricePerLot: bigint | null;
  /** null = the whole position (TP/SL) */
  sizeBase: bigint | null;
  tif: TimeInForce;
  reduceOnly: boolean;
  /** TP/SL: slippage bound around the trigger price, in bps */
  slippageBps: bigint;
  /** the other half of a TP/SL pair, cancelled when this one fires */
  ocoId: number | null;
  clientOrderId: string | null;
}

/** Whether the position a TP/SL protects is long (or flat) now. */
export type LongOf = (t: Trigger) => boolean;

/** One direction of a market's pending triggers; the next to cross is the last element. */
class TriggerSide {
  readonly items: Trigger[] = [];
  constructor(readonly up: boolean) {}

  /** True when `a` sorts before `b` (further from crossing; ties: the newer first, so the oldest is popped first). */
  private before(a: Trigger, b: Trigger): boolean {
    if (a.triggerPerLot !== b.triggerPerLot)
      return this.up ? a.triggerPerLot > b.triggerPerLot : a.triggerPerLot < b.triggerPerLot;
    return a.id > b.id;
  }

  /** The first index whose trigger does not sort before `t`. */
  private lowerBound(t: Trigger): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.before(this.items[mid]!, t)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(t: Trigger): void {
    const i = this.lowerBound(t);
    if (i === this.items.length) this.items.push(t);
    else this.items.splice(i, 0, t);
  }

  remove(t: Trigger): void {
    const i = this.lowerBound(t);
    if (this.items[i] !== t) throw new Error(`trigger ${t.id} is not filed where its price says`);
    if (i === this.items.length - 1) this.items.pop();
    else this.items.splice(i, 1);
  }

  crossedAt(t: Trigger, price: bigint): boolean {
    return this.up ? price >= t.triggerPerLot : price <= t.triggerPerLot;
  }

  /** Takes off every trigger `price` crosses. */
  takeCrossed(price: bigint, out: (t: Trigger) => void): void {
    const items = this.items;
    while (items.length > 0 && this.crossedAt(items[items.length - 1]!, price)) out(items.pop()!);
  }
}

/** A min-heap of triggers by id (the oldest first), for the candidates of one run. */
export class TriggerHeap {
  private readonly a: Trigger[] = [];
  get size(): number {
    return this.a.length;
  }
  push(t: Trigger): void {
    const a = this.a;
    let i = a.push(t) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.id <= t.id) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = t;
  }
  pop(): Trigger | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const c = l + 1 < a.length && a[l + 1]!.id < a[l]!.id ? l + 1 : l;
      if (a[c]!.id >= last.id) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = last;
    return top;
  }
}

/** Where a trigger is: on a side, or taken off as a candidate of the run under way. */
type Place = TriggerSide | "candidate";

/** A market's pending triggers. */
export class TriggerBook {
  private readonly up = new TriggerSide(true);
  private readonly down = new TriggerSide(false);
  private readonly place = new Map<number, Place>();
  /** each account's pending triggers in this market, oldest first */
  private readonly byAccount = new Map<string, Trigger[]>();

  get size(): number {
    return this.place.size;
  }

  /** Every pending trigger, oldest first (snapshots). */
  all(): Trigger[] {
    return [...this.byAccount.values()].flat().sort((a, b) => a.id - b.id);
  }

  /** The account's pending triggers here, oldest first. */
  ofAccount(account: string): readonly Trigger[] {
    return this.byAccount.get(account) ?? [];
  }

  /** The side `t` fires from now (a TP/SL by its position's current direction: `long`). */
  private sideFor(long: LongOf, t: Trigger): TriggerSide {
    if (t.kind === "stop") return t.side === "buy" ? this.up : this.down;
    return (t.kind === "takeProfit") === long(t) ? this.up : this.down;
  }

  add(long: LongOf, t: Trigger): void {
    const side = this.sideFor(long, t);
    side.insert(t);
    this.place.set(t.id, side);
    const mine = this.byAccount.get(t.account);
    if (mine === undefined) this.byAccount.set(t.account, [t]);
    else mine.push(t);
  }

  delete(t: Trigger): void {
    const where = this.place.get(t.id);
    if (where === undefined) return;
    if (where !== "candidate") where.remove(t);
    this.place.delete(t.id);
    const mine = this.byAccount.get(t.account)!;
    mine.splice(mine.indexOf(t), 1);
    if (mine.length === 0) this.byAccount.delete(t.account);
  }

  /** Moves every pending trigger `price` crosses into `heap` (candidates until fired or re-filed). */
  takeCrossed(price: bigint, heap: TriggerHeap): void {
    const take = (t: Trigger) => {
      this.place.set(t.id, "candidate");
      heap.push(t);
    };
    this.up.takeCrossed(price, take);
    this.down.takeCrossed(price, take);
  }

  isCandidate(t: Trigger): boolean {
    return this.place.get(t.id) === "candidate";
  }

  /** Puts a candidate that did not fire back on the side it fires from now. */
  refile(long: LongOf, t: Trigger): void {
    const side = this.sideFor(long, t);
    side.insert(t);
    this.place.set(t.id, side);
  }

  /** A position changed: its TP/SL move to the side matching its direction now. */
  positionMoved(long: LongOf, account: string): void {
    const mine = this.byAccount.get(account);
    if (mine === undefined) return;
    for (const t of mine) {
      if (t.kind === "stop") continue;
      const where = this.place.get(t.id);
      if (where === undefined || where === "candidate") continue;
      const side = this.sideFor(long, t);
      if (side === where) continue;
      where.remove(t);
      side.insert(t);
      this.place.set(t.id, side);
    }
  }
}
