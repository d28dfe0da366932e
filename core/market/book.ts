/**
 * A price-time priority order book. Each side keeps its price levels in an array sorted so
 * that the best level is last (pop/push at the top of book is O(1), an insert elsewhere is
 * a binary search and a short memmove), plus a map from tick index to level. Each level is
 * an intrusive doubly linked list of orders, so removing any order is O(1) and a size
 * decrease keeps its place. The book knows nothing of accounts: the engine's orders carry
 * what it needs.
 */

/** 0 = buy (bids), 1 = sell (asks). */
export type SideIndex = 0 | 1;
export const BUY: SideIndex = 0;
export const SELL: SideIndex = 1;

/** What the book needs from an order; the engine's order class extends it. */
export class BookOrder {
  prev: this | null = null;
  next: this | null = null;
  level: Level<this> | null = null;
  constructor(
    readonly id: number,
    readonly side: SideIndex,
    /** price / tickSize, the level key */
    public tick: number,
    /** quote base units per lot */
    public pricePerLot: bigint,
    /** remaining size in lots */
    public lots: bigint,
  ) {}
}

/** All resting orders at one price, oldest first. */
export class Level<O extends BookOrder> {
  head: O | null = null;
  tail: O | null = null;
  totalLots = 0n;
  count = 0;
  constructor(
    readonly tick: number,
    readonly pricePerLot: bigint,
  ) {}
}

/** One side of the book. */
export class BookSide<O extends BookOrder> {
  /** Non-empty levels sorted worst → best (bids ascending, asks descending). */
  readonly sorted: Level<O>[] = [];
  /** Levels by tick; emptied levels stay here for reuse until there are too many of them. */
  readonly byTick = new Map<number, Level<O>>();
  constructor(readonly isBid: boolean) {}

  /** The best level, or undefined when the side is empty. */
  best(): Level<O> | undefined {
    return this.sorted[this.sorted.length - 1];
  }

  /** True when `tick` is strictly better than `other` for this side. */
  better(tick: number, other: number): boolean {
    return this.isBid ? tick > other : tick < other;
  }

  /** Index of the first level that is better than `tick` (where a new level at `tick` goes). */
  private insertionIndex(tick: number): number {
    const s = this.sorted;
    let lo = 0;
    let hi = s.length;
    if (this.isBid) {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (s[mid]!.tick > tick) hi = mid;
        else lo = mid + 1;
      }
    } else {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (s[mid]!.tick < tick) hi = mid;
        else lo = mid + 1;
      }
    }
    return lo;
  }

  /** The non-empty-or-new level at `tick`, placed in the sorted array. */
  levelAt(tick: number, pricePerLot: bigint): Level<O> {
    let level = this.byTick.get(tick);
    if (level === undefined) {
      level = new Level<O>(tick, pricePerLot);
      this.byTick.set(tick, level);
    } else if (level.count > 0) return level;
    const s = this.sorted;
    const top = s[s.length - 1];
    if (top === undefined || this.better(tick, top.tick)) s.push(level);
    else s.splice(this.insertionIndex(tick), 0, level);
    return level;
  }

  /** Take an emptied level out of the sorted array (kept for reuse, pruned when many). */
  removeLevel(level: Level<O>): void {
    const s = this.sorted;
    if (s[s.length - 1] === level) s.pop();
    else {
      // levels are unique per tick: the one just before the insertion point of `tick` is it
      const i = this.insertionIndex(level.tick) - 1;
      if (s[i] === level) s.splice(i, 1);
    }
    if (this.byTick.size > 2 * s.length + 1024) this.prune();
  }

  private prune(): void {
    for (const [tick, level] of this.byTick) if (level.count === 0) this.byTick.delete(tick);
  }
}

/** Bids and asks of one market. */
export class Book<O extends BookOrder> {
  readonly bids = new BookSide<O>(true);
  readonly asks = new BookSide<O>(false);
  /** number of resting orders */
  size = 0;

  /** The side an order of `side` rests on. */
  sideOf(side: SideIndex): BookSide<O> {
    return side === BUY ? this.bids : this.asks;
  }

  /** The side an order of `side` matches against. */
  oppositeOf(side: SideIndex): BookSide<O> {
    return side === BUY ? this.asks : this.bids;
  }

  /** Rest an order at the back of its price level. */
  add(order: O): void {
    const level = this.sideOf(order.side).levelAt(order.tick, order.pricePerLot);
    order.level = level;
    order.next = null;
    order.prev = level.tail;
    if (level.tail === null) level.head = order;
    else level.tail.next = order;
    level.tail = order;
    level.totalLots += order.lots;
    level.count++;
    this.size++;
  }

  /** Take an order off the book (its level goes when empty). */
  remove(order: O): void {
    const level = order.level;
    if (level === null) return;
    if (order.prev === null) level.head = order.next;
    else order.prev.next = order.next;
    if (order.next === null) level.tail = order.prev;
    else order.next.prev = order.prev;
    level.totalLots -= order.lots;
    level.count--;
    order.prev = order.next = null;
    order.level = null;
    this.size--;
    if (level.count === 0) this.sideOf(order.side).removeLevel(level);
  }

  /** Lower a resting order's size by `lots` in place (it keeps its priority). */
  reduce(order: O, lots: bigint): void {
    order.lots -= lots;
    if (order.level !== null) order.level.totalLots -= lots;
  }

  /** Best bid and ask prices (quote units per lot), null when a side is empty. */
  top(): { bidPerLot: bigint | null; askPerLot: bigint | null } {
    return { bidPerLot: this.bids.best()?.pricePerLot ?? null, askPerLot: this.asks.best()?.pricePerLot ?? null };
  }

  /** Aggregated depth from the best level: [pricePerLot, lots] pairs per side. */
  depth(levels: number): { bids: [bigint, bigint][]; asks: [bigint, bigint][] } {
    const take = (side: BookSide<O>) => {
      const out: [bigint, bigint][] = [];
      for (let i = side.sorted.length - 1; i >= 0 && out.length < levels; i--)
        out.push([side.sorted[i]!.pricePerLot, side.sorted[i]!.totalLots]);
      return out;
    };
    return { bids: take(this.bids), asks: take(this.asks) };
  }

  /** Every resting order, bids then asks, best level first, oldest first within a level. */
  *inPriorityOrder(): Generator<O> {
    for (const side of [this.bids, this.asks]) {
      for (let i = side.sorted.length - 1; i >= 0; i--) {
        for (let o = side.sorted[i]!.head; o !== null; o = o.next) yield o;
      }
    }
  }
}
