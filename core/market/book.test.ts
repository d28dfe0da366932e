import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Book, BookOrder, BUY, SELL, type SideIndex } from "./book";

const order = (id: number, side: SideIndex, tick: number, lots: bigint) =>
  new BookOrder(id, side, tick, BigInt(tick) * 10n, lots);

describe("Book", () => {
  test("keeps levels sorted with the best last and orders oldest first", () => {
    const book = new Book<BookOrder>();
    for (const [id, tick] of [
      [1, 100],
      [2, 102],
      [3, 101],
      [4, 102],
      [5, 99],
    ] as const)
      book.add(order(id, BUY, tick, 1n));
    expect(book.bids.sorted.map((l) => l.tick)).toEqual([99, 100, 101, 102]);
    expect(book.bids.best()!.head!.id).toBe(2);
    expect(book.bids.best()!.tail!.id).toBe(4);
    for (const [id, tick] of [
      [6, 110],
      [7, 108],
      [8, 109],
    ] as const)
      book.add(order(id, SELL, tick, 2n));
    expect(book.asks.sorted.map((l) => l.tick)).toEqual([110, 109, 108]);
    expect(book.top()).toEqual({ bidPerLot: 1020n, askPerLot: 1080n });
    expect(book.depth(2)).toEqual({
      bids: [
        [1020n, 2n],
        [1010n, 1n],
      ],
      asks: [
        [1080n, 2n],
        [1090n, 2n],
      ],
    });
  });

  test("removing the middle order of a level keeps the list linked; an empty level goes", () => {
    const book = new Book<BookOrder>();
    const a = order(1, SELL, 5, 1n),
      b = order(2, SELL, 5, 2n),
      c = order(3, SELL, 5, 3n);
    [a, b, c].forEach((o) => book.add(o));
    book.remove(b);
    expect(a.next).toBe(c);
    expect(c.prev).toBe(a);
    expect(book.asks.best()!.totalLots).toBe(4n);
    book.reduce(c, 1n);
    expect(book.asks.best()!.totalLots).toBe(3n);
    book.remove(a);
    book.remove(c);
    expect(book.asks.sorted).toEqual([]);
    expect(book.asks.best()).toBeUndefined();
    expect(book.size).toBe(0);
    // an emptied level is reused, not duplicated
    book.add(order(9, SELL, 5, 1n));
    expect(book.asks.sorted).toHaveLength(1);
    expect(book.asks.best()!.totalLots).toBe(1n);
  });

  test("random adds and removes agree with a naive model", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 30 }), fc.nat()), { maxLength: 200 }),
        (ops) => {
          const book = new Book<BookOrder>();
          const live: BookOrder[] = [];
          let id = 0;
          for (const [add, tick, pick] of ops) {
            if (add || live.length === 0) {
              const o = order(++id, tick % 2 === 0 ? BUY : SELL, tick, BigInt(1 + (pick % 5)));
              book.add(o);
              live.push(o);
            } else {
              const [o] = live.splice(pick % live.length, 1);
              book.remove(o!);
            }
          }
          for (const side of [book.bids, book.asks]) {
            const ticks = side.sorted.map((l) => l.tick);
            const expected = [...new Set(live.filter((o) => (o.side === BUY) === side.isBid).map((o) => o.tick))].sort(
              (x, y) => (side.isBid ? x - y : y - x),
            );
            expect(ticks).toEqual(expected);
            for (const level of side.sorted) {
              const here = live.filter((o) => o.level === level);
              expect(level.totalLots).toBe(here.reduce((s, o) => s + o.lots, 0n));
              const chain: number[] = [];
              for (let o = level.head; o !== null; o = o.next) chain.push(o.id);
              expect(chain).toEqual(here.map((o) => o.id).sort((x, y) => x - y));
            }
          }
          expect([...book.inPriorityOrder()].length).toBe(live.length);
        },
      ),
    );
  });
});
