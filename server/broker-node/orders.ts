/**
 * Remote orders on this node's engine: a CreateRemoteOrder / UpdateRemoteOrder body as an engine
 * command (or why it cannot be one), and the NotifyOrderUpdate bodies an applied command owes to
 * the peers whose orders it touched. Pure functions over the market views and the hosted orders.
 */
import { getAddress, type Address } from "viem";
import type { CreateRemoteOrder, NotifyOrderUpdate, UpdateRemoteOrder } from "../../core/b2b";
import type { Command, EngineEvent } from "../../core/engine";
import type { MarketView } from "../../core/market/view";
import { priceToPerLot } from "../engine/market-config";
import type { AssetConfig } from "./config";
import type { OrderRow } from "./ledger";

export type Planned = { ok: true; command: Command } | { ok: false; reason: string };

const divUp = (a: bigint, b: bigint) => (a + b - 1n) / b;

/** The per-whole price a total limit allows: buys round down, sells up, onto the tick. */
export function limitPrice(view: MarketView, side: "buy" | "sell", baseAmount: bigint, quoteLimit: bigint): bigint {
  const one = 10n ** BigInt(view.base.decimals);
  const tick = view.tickSize;
  if (side === "buy") return ((quoteLimit * one) / baseAmount / tick) * tick;
  return divUp(divUp(quoteLimit * one, baseAmount), tick) * tick;
}

function perLot(view: MarketView, side: "buy" | "sell", baseAmount: bigint, quoteLimit: bigint): bigint | string {
  if (baseAmount % view.lotSize !== 0n) return `baseAmount is not a multiple of the lot ${view.lotSize}`;
  const price = limitPrice(view, side, baseAmount, quoteLimit);
  if (price <= 0n) return "quoteLimit is below one tick";
  return priceToPerLot(view, price);
}

/** A peer's new order as an engine place command on its account, or why not. */
export function planCreate(
  body: CreateRemoteOrder,
  peer: Address,
  market: MarketView | null,
  assets: readonly AssetConfig[],
): Planned {
  if (market === null) return { ok: false, reason: `market ${body.market} is not listed here` };
  const token = (symbol: string) => assets.find((a) => a.symbol === symbol)?.token;
  if (body.base.token !== token(market.base.symbol) || body.quote.token !== token(market.quote.symbol))
    return { ok: false, reason: `the assets are not ${market.symbol}'s` };
  const price = perLot(market, body.side, body.baseAmount, body.quoteLimit);
  if (typeof price === "string") return { ok: false, reason: price };
  return {
    ok: true,
    command: {
      type: "place",
      account: getAddress(peer),
      market: market.symbol,
      side: body.side,
      kind: "limit",
      sizeBase: body.baseAmount,
      pricePerLot: price,
      tif: body.tif,
    },
  };
}

/** A peer's update of its hosted order as an engine cancel or amend, or why not. */
export function planUpdate(body: UpdateRemoteOrder, order: OrderRow | null, market: MarketView | null): Planned {
  if (order === null || order.status !== "open" || order.engineOrderId === null || market === null)
    return { ok: false, reason: `order ${body.orderId} is not open here` };
  const account = getAddress(order.peer);
  if (body.action === "cancel") return { ok: true, command: { type: "cancel", account, orderId: order.engineOrderId } };
  const price = perLot(market, order.side, body.baseAmount, body.quoteLimit);
  if (typeof price === "string") return { ok: false, reason: price };
  return {
    ok: true,
    command: { type: "amend", account, orderId: order.engineOrderId, pricePerLot: price, sizeBase: body.baseAmount },
  };
}

/** A notification owed to a peer, and the order row after it. */
export interface Notice {
  peer: Address;
  body: NotifyOrderUpdate;
  order: OrderRow;
}

/**
 * The notices an applied command owes: for `created` (the peer's new order, if this command
 * placed it) accepted/rejected, and for every hosted order the events touch its fills, amend and
 * end. `hosted` (by engine order id) is updated in place.
 */
export function noticesOf(
  seq: bigint,
  events: readonly EngineEvent[],
  hosted: Map<number, OrderRow>,
  created: Omit<OrderRow, "engineOrderId" | "status" | "remainingBase"> | null,
): Notice[] {
  const out: Notice[] = [];
  const note = (o: OrderRow, body: NotifyOrderUpdate) => out.push({ peer: o.peer, body, order: { ...o } });
  events.forEach((ev, idx) => {
    if (created && ev.type === "orderAccepted" && ev.account === getAddress(created.peer)) {
      const o: OrderRow = { ...created, engineOrderId: ev.orderId, status: "open", remainingBase: ev.sizeBase };
      hosted.set(ev.orderId, o);
      note(o, { orderId: o.orderId, update: "accepted", remainingBase: o.remainingBase });
    } else if (created && ev.type === "rejected" && ev.command === "place") {
      const o: OrderRow = { ...created, engineOrderId: null, status: "rejected", remainingBase: 0n };
      note(o, { orderId: o.orderId, update: "rejected", remainingBase: 0n });
    } else if (ev.type === "fill") {
      for (const id of [ev.makerOrderId, ev.takerOrderId]) {
        const o = hosted.get(id);
        if (!o) continue;
        o.remainingBase -= ev.sizeBase;
        if (o.remainingBase === 0n) o.status = "filled";
        note(o, {
          orderId: o.orderId,
          update: "fill",
          tradeId: `${seq}:${idx}`,
          baseAmount: ev.sizeBase,
          quoteAmount: ev.notionalQuote,
          remainingBase: o.remainingBase,
          stateVersion: 0n,
        });
      }
    } else if (ev.type === "orderAmended" && hosted.has(ev.orderId)) {
      const o = hosted.get(ev.orderId)!;
      o.remainingBase = ev.sizeBase;
      note(o, { orderId: o.orderId, update: "amended", remainingBase: o.remainingBase });
    } else if (ev.type === "orderDone" && hosted.has(ev.orderId)) {
      const o = hosted.get(ev.orderId)!;
      hosted.delete(ev.orderId);
      if (ev.reason === "filled") return; // the last fill said so
      o.status = "cancelled";
      o.remainingBase = ev.remainingBase;
      note(o, { orderId: o.orderId, update: "cancelled", remainingBase: o.remainingBase });
    }
  });
  return out;
}
