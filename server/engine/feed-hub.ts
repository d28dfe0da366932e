/**
 * Fan-out of committed engine events to live feeds (tRPC subscriptions over SSE). One hub per
 * runtime, built by the composition root (server/app-services.ts). Every item carries its journal position (seq, idx) so a reconnecting
 * client resumes after its lastEventId: the feed attaches here FIRST, back-fills from the
 * database, then skips what it already sent. Book diffs are computed every 100 ms per market
 * from the engine's memory, only for markets that changed and have subscribers.
 */
import type { EngineEvent } from "../../core/engine";
import type { CommittedBatch } from "../ports";
import { eventColumns, eventConcerns } from "./event-columns";
import type { EngineRuntime } from "./runtime";

/** One committed event with its journal position. */
export interface FeedEvent {
  seq: bigint;
  idx: number;
  timeMs: bigint;
  event: EngineEvent;
}

export interface BookUpdate {
  kind: "snapshot" | "diff";
  market: string;
  seq: bigint;
  /** server wall-clock ms when this update was produced (the 100 ms flush, or the snapshot): lets a client measure delivery latency */
  timeMs: bigint;
  /** [pricePerLot, sizeBase]; in a diff, size 0 removes the level */
  bids: [bigint, bigint][];
  asks: [bigint, bigint][];
}

/** A bounded async queue: a consumer that falls too far behind is ended (it reconnects and back-fills). */
export class FeedQueue<T> implements AsyncIterableIterator<T> {
  private buf: T[] = [];
  private waiter: ((r: IteratorResult<T>) => void) | null = null;
  private done = false;
  constructor(
    private readonly max: number,
    private readonly onClose: () => void,
  ) {}
  push(v: T) {
    if (this.done) return;
    if (this.waiter !== null) {
      const w = this.waiter;
      this.waiter = null;
      w({ value: v, done: false });
      return;
    }
    this.buf.push(v);
    if (this.buf.length > this.max) this.close();
  }
  close() {
    if (this.done) return;
    this.done = true;
    this.onClose();
    const w = this.waiter;
    this.waiter = null;
    w?.({ value: undefined, done: true });
  }
  next(): Promise<IteratorResult<T>> {
    const v = this.buf.shift();
    if (v !== undefined) return Promise.resolve({ value: v, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((res) => (this.waiter = res));
  }
  return(): Promise<IteratorResult<T>> {
    this.close();
    this.buf = [];
    return Promise.resolve({ value: undefined, done: true });
  }
  [Symbol.asyncIterator]() {
    return this;
  }
}

const BOOK_LEVELS = 50;

/** Where a book update goes: a subscriber's queue, or a fan-out's callback. */
interface BookSink {
  push(u: BookUpdate): void;
  close?(): void;
}

export class FeedHub {
  private readonly eventSubs = new Set<{ accept: (e: FeedEvent) => boolean; q: FeedQueue<FeedEvent> }>();
  private readonly bookSubs = new Map<string, Set<BookSink>>();
  /** Per market with subscribers: the view every subscriber has after the last flush (its snapshot for newcomers). */
  private readonly lastBook = new Map<string, { seq: bigint; bids: Map<bigint, bigint>; asks: Map<bigint, bigint> }>();
  private readonly dirty = new Set<string>();
  private readonly unsubscribe: () => void;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly rt: EngineRuntime,
    bookIntervalMs = 100,
  ) {
    this.unsubscribe = rt.onCommitted((b) => this.onBatch(b));
    this.timer = setInterval(() => this.flushBooks(), bookIntervalMs);
    this.timer.unref?.();
  }

  private onBatch(batch: CommittedBatch) {
    for (const entry of batch.entries) {
      const timeMs = BigInt((entry as { timeMs?: number }).timeMs ?? 0);
      for (let idx = 0; idx < entry.events.length; idx++) {
        const event = entry.events[idx]!;
        const fe: FeedEvent = { seq: entry.seq, idx, timeMs, event };
        const market = eventColumns(event).market;
        if (
          market !== null &&
          (event.type === "orderAccepted" ||
            event.type === "orderDone" ||
            event.type === "orderAmended" ||
            event.type === "fill")
        )
          this.dirty.add(market);
        for (const s of this.eventSubs) if (s.accept(fe)) s.q.push(fe);
      }
    }
  }

  /** Committed events of one market's trades (fills). */
  trades(market: string, max = 10_000): FeedQueue<FeedEvent> {
    return this.events((e) => e.event.type === "fill" && e.event.market === market, max);
  }

  /** Committed events concerning one account. */
  account(account: string, max = 10_000): FeedQueue<FeedEvent> {
    return this.events((e) => eventConcerns(e.event, account), max);
  }

  private events(accept: (e: FeedEvent) => boolean, max: number): FeedQueue<FeedEvent> {
    const sub = { accept, q: null as unknown as FeedQueue<FeedEvent> };
    sub.q = new FeedQueue<FeedEvent>(max, () => this.eventSubs.delete(sub));
    this.eventSubs.add(sub);
    return sub.q;
  }

  /** A market's book: a snapshot first, then a diff every 100 ms while it changes. */
  book(market: string, max = 1_000): FeedQueue<BookUpdate> {
    let q!: FeedQueue<BookUpdate>;
    this.addBookSink(market, (close) => (q = new FeedQueue<BookUpdate>(max, close)));
    q.push(this.bookSnapshot(market));
    return q;
  }

  /**
   * The same feed as `book`, delivered by calling `onUpdate` synchronously at each flush (one
   * call per update for all of a fan-out's subscribers, see server/http/book-stream.ts).
   * `snapshot()` is the view the next diff applies to, for a newcomer. `close()` stops the
   * calls; `onEnd` is called when the hub stops instead.
   */
  watchBook(
    market: string,
    onUpdate: (u: BookUpdate) => void,
    onEnd: () => void,
  ): { snapshot(): BookUpdate; close(): void } {
    let closeSink!: () => void;
    this.addBookSink(market, (close) => {
      closeSink = close;
      return {
        push: onUpdate,
        close: () => {
          close();
          onEnd();
        },
      };
    });
    return { snapshot: () => this.bookSnapshot(market), close: () => closeSink() };
  }

  private addBookSink(market: string, make: (close: () => void) => BookSink): void {
    let subs = this.bookSubs.get(market);
    if (subs === undefined) this.bookSubs.set(market, (subs = new Set()));
    const set = subs;
    let closed = false;
    const sink = make(() => {
      if (closed) return;
      closed = true;
      set.delete(sink);
      if (set.size === 0 && this.bookSubs.get(market) === set) {
        this.bookSubs.delete(market);
        this.lastBook.delete(market);
      }
    });
    set.add(sink);
    if (!this.lastBook.has(market)) {
      const current = this.rt.read((ex) => ({ d: ex.depth(market, BOOK_LEVELS), seq: this.rt.status().sequence }));
      this.lastBook.set(market, { seq: current.seq, bids: new Map(current.d.bids), asks: new Map(current.d.asks) });
    }
  }

  /**
   * A newcomer's snapshot is the last flushed view, not the live book: the diffs that follow
   * are computed against exactly that view (a level changed and changed back between two
   * flushes appears in no diff, so a live snapshot could keep a stale size forever).
   */
  private bookSnapshot(market: string): BookUpdate {
    const view = this.lastBook.get(market) ?? {
      seq: 0n,
      bids: new Map<bigint, bigint>(),
      asks: new Map<bigint, bigint>(),
    };
    // The maps keep depth()'s order: bids best (highest) first, asks best (lowest) first.
    return {
      kind: "snapshot",
      market,
      seq: view.seq,
      timeMs: BigInt(Date.now()),
      bids: [...view.bids],
      asks: [...view.asks],
    };
  }

  private flushBooks() {
    for (const market of this.dirty) {
      const subs = this.bookSubs.get(market);
      if (subs === undefined) continue;
      const now = this.rt.read((ex) => ({ d: ex.depth(market, BOOK_LEVELS), seq: this.rt.status().sequence }));
      const prev = this.lastBook.get(market) ?? {
        seq: 0n,
        bids: new Map<bigint, bigint>(),
        asks: new Map<bigint, bigint>(),
      };
      const next = { seq: now.seq, bids: new Map(now.d.bids), asks: new Map(now.d.asks) };
      const diff = (a: Map<bigint, bigint>, b: Map<bigint, bigint>) => {
        const out: [bigint, bigint][] = [];
        for (const [p, s] of b) if (a.get(p) !== s) out.push([p, s]);
        for (const p of a.keys()) if (!b.has(p)) out.push([p, 0n]);
        return out;
      };
      const update: BookUpdate = {
        kind: "diff",
        market,
        seq: now.seq,
        timeMs: BigInt(Date.now()),
        bids: diff(prev.bids, next.bids),
        asks: diff(prev.asks, next.asks),
      };
      this.lastBook.set(market, next);
      if (update.bids.length === 0 && update.asks.length === 0) continue;
      for (const sink of [...subs]) sink.push(update);
    }
    this.dirty.clear();
  }

  /** Connected subscriptions right now (for the ops console's health view). */
  subscriptionCounts(): { events: number; books: number } {
    let books = 0;
    for (const set of this.bookSubs.values()) books += set.size;
    return { events: this.eventSubs.size, books };
  }

  stop() {
    clearInterval(this.timer);
    this.unsubscribe();
    for (const s of [...this.eventSubs]) s.q.close();
    for (const set of [...this.bookSubs.values()]) for (const sink of [...set]) sink.close?.();
  }
}

/** Compare journal positions "seq:idx". */
export function positionAfter(a: { seq: bigint; idx: number }, b: { seq: bigint; idx: number } | null): boolean {
  return b === null || a.seq > b.seq || (a.seq === b.seq && a.idx > b.idx);
}

/** Parse a tracked id "seq:idx" (null when absent or malformed). */
export function parsePosition(id: string | null | undefined): { seq: bigint; idx: number } | null {
  const m = /^(\d{1,20}):(\d{1,9})$/.exec(id ?? "");
  return m === null ? null : { seq: BigInt(m[1]!), idx: Number(m[2]) };
}
