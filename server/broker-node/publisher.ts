/**
 * The book's subscribers (snapshot requests, kind 0): the snapshot answer, then after each
 * engine batch one increment (kind 1) per changed level and one trade event (kind 2) per fill
 * the subscriber took no part in. Subscriptions live in memory: after a restart of this node a
 * peer asks for a new snapshot.
 */
import { getAddress, type Address } from "viem";
import { RpcKind } from "../../core/clearing";
import type { BookLevel, SnapshotRequest } from "../../core/b2b";
import type { MarketView } from "../../core/market/view";
import { priceFromPerLotDown } from "../engine/market-config";
import type { CommittedBatch } from "../ports";
import type { NodeContext } from "./context";
import { emptyChange, type Change } from "./ledger";
import { writeChange } from "./store";

interface Subscription {
  depth: number;
  bookSeq: bigint;
  /** "b:<price>" / "a:<price>" → base amount, as last sent */
  levels: Map<string, bigint>;
}

export class Publisher {
  private readonly subs = new Map<Address, Map<string, Subscription>>();

  constructor(private readonly ctx: NodeContext) {}

  private book(view: MarketView, depth: number): { bids: BookLevel[]; asks: BookLevel[] } {
    const d = this.ctx.engine.read((ex) => ex.depth(view.symbol, depth));
    const level = ([p, size]: [bigint, bigint]) => ({ price: priceFromPerLotDown(view, p), baseAmount: size });
    return { bids: d.bids.map(level), asks: d.asks.map(level) };
  }

  /** Answers a snapshot request (into `change`) and subscribes the peer to the market's increments. */
  subscribe(change: Change, peer: Address, request: SnapshotRequest, requestSeq: bigint): void {
    const view = this.ctx.engine.market(request.market);
    const book = view && this.ctx.config.markets.includes(view.symbol) ? this.book(view, request.depth) : null;
    const levels = new Map<string, bigint>();
    for (const l of book?.bids ?? []) levels.set(`b:${l.price}`, l.baseAmount);
    for (const l of book?.asks ?? []) levels.set(`a:${l.price}`, l.baseAmount);
    const markets = this.subs.get(peer) ?? new Map<string, Subscription>();
    if (book) markets.set(request.market, { depth: request.depth, bookSeq: 0n, levels });
    this.subs.set(peer, markets);
    this.ctx.ledger.send(
      change,
      peer,
      RpcKind.getOrderbookSnapshot,
      {
        type: "response",
        requestSeq,
        market: request.market,
        bookSeq: 0n,
        bids: book?.bids ?? [],
        asks: book?.asks ?? [],
      },
      this.ctx.nowMs(),
    );
  }

  /** After a committed engine batch: increments and trade events to every subscriber (one transaction). */
  async publish(batch: CommittedBatch): Promise<void> {
    if (this.subs.size === 0) return;
    const change = emptyChange();
    const now = this.ctx.nowMs();
    for (const [peer, markets] of this.subs)
      for (const [symbol, sub] of markets) {
        const view = this.ctx.engine.market(symbol)!;
        const book = this.book(view, sub.depth);
        const next = new Map<string, bigint>();
        for (const l of book.bids) next.set(`b:${l.price}`, l.baseAmount);
        for (const l of book.asks) next.set(`a:${l.price}`, l.baseAmount);
        for (const key of new Set([...sub.levels.keys(), ...next.keys()])) {
          const amount = next.get(key) ?? 0n;
          if (amount === (sub.levels.get(key) ?? 0n)) continue;
          sub.bookSeq += 1n;
          const [side, price] = key.split(":") as ["b" | "a", string];
          this.ctx.ledger.send(
            change,
            peer,
            RpcKind.pushOrderbookIncrement,
            {
              market: symbol,
              bookSeq: sub.bookSeq,
              side: side === "b" ? "buy" : "sell",
              price: BigInt(price),
              baseAmount: amount,
            },
            now,
          );
        }
        sub.levels = next;
        const account = getAddress(peer);
        for (const entry of batch.entries)
          entry.events.forEach((ev, idx) => {
            if (ev.type !== "fill" || ev.market !== symbol || ev.maker === account || ev.taker === account) return;
            this.ctx.ledger.send(
              change,
              peer,
              RpcKind.pushTradeEvent,
              {
                market: symbol,
                tradeId: `${entry.seq}:${idx}`,
                price: priceFromPerLotDown(view, ev.pricePerLot),
                baseAmount: ev.sizeBase,
                takerSide: ev.takerSide,
                executedAtMs: now,
              },
              now,
            );
          });
      }
    if (change.log.length === 0) return;
    await writeChange(this.ctx.db, change).catch((error: unknown) => this.ctx.fatal(error));
    for (const p of change.peers) this.ctx.wake(p.address);
  }
}
