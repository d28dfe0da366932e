/**
 * The bodies of seed 000's six RPCs, typed and validated. Amounts are bigint base units bounded
 * by uint256; prices are quote base units per whole base token (as in the app data's `oos`). An
 * order states its limit as a total (`quoteLimit`: the most quote a buy pays, the least a sell
 * takes, for the whole `baseAmount`), so no side needs the other's token decimals.
 */
import type { Address } from "viem";
import { RpcKind } from "../clearing";
import { address, ident, int, list, MalformedField, oneOf, record, uint } from "./fields";

export type Side = "buy" | "sell";
const SIDES: readonly Side[] = ["buy", "sell"];

/** An asset as a channel names it: chain id and lower-case token (0x0…0 for native). */
export interface B2BAsset {
  chainId: bigint;
  token: Address;
}

/** One price level of a book: price (quote base units per whole base token) and the base amount there. */
export interface BookLevel {
  price: bigint;
  baseAmount: bigint;
}

/** Kind 0, asked by the requestor: a snapshot of `market` to `depth` levels per side (and later increments). */
export interface SnapshotRequest {
  type: "request";
  market: string;
  depth: number;
}

/** Kind 0, answered by the book's host: the levels (bids descending, asks ascending) at `bookSeq`. */
export interface SnapshotResponse {
  type: "response";
  /** the envelope seq of the request this answers */
  requestSeq: bigint;
  market: string;
  bookSeq: bigint;
  bids: BookLevel[];
  asks: BookLevel[];
}

/** Kind 1: a level changed; `baseAmount` 0 removes it. `bookSeq` follows the snapshot's by one per increment. */
export interface OrderbookIncrement {
  market: string;
  bookSeq: bigint;
  side: Side;
  price: bigint;
  baseAmount: bigint;
}

/** Kind 2: a public trade on the sender's book, not involving the receiver. */
export interface TradeEvent {
  market: string;
  tradeId: string;
  price: bigint;
  baseAmount: bigint;
  takerSide: Side;
  executedAtMs: bigint;
}

/** Kind 3: the sender's order on the receiver's book, meant to match a resting order there. */
export interface CreateRemoteOrder {
  orderId: string;
  market: string;
  base: B2BAsset;
  quote: B2BAsset;
  side: Side;
  baseAmount: bigint;
  /** buy: the most quote paid for all of baseAmount; sell: the least quote taken */
  quoteLimit: bigint;
  tif: "GTC" | "IOC";
}

/** Kind 4: cancel, or amend the remaining size and limit of, an order the sender created. */
export type UpdateRemoteOrder =
  { orderId: string; action: "cancel" } | { orderId: string; action: "amend"; baseAmount: bigint; quoteLimit: bigint };

/**
 * Kind 5: the host tells the order's creator what happened to it. A fill is the match of the
 * dispute replay, signed by the matcher; `stateVersion` is the latest state both had co-signed
 * when it matched (a state of version v covers exactly the fills stamped below v).
 */
export type NotifyOrderUpdate =
  | { orderId: string; update: "accepted" | "amended" | "cancelled" | "rejected"; remainingBase: bigint }
  | {
      orderId: string;
      update: "fill";
      tradeId: string;
      baseAmount: bigint;
      quoteAmount: bigint;
      remainingBase: bigint;
      stateVersion: bigint;
    };

/** The body type of each kind. */
export interface RpcBodies {
  0: SnapshotRequest | SnapshotResponse;
  1: OrderbookIncrement;
  2: TradeEvent;
  3: CreateRemoteOrder;
  4: UpdateRemoteOrder;
  5: NotifyOrderUpdate;
}
export type RpcBody = RpcBodies[RpcKind];

/** Bounds of the shapes. */
export const BODY_LIMITS = Object.freeze({
  marketChars: 32,
  idChars: 64,
  maxDepth: 500,
  maxLevelsPerSide: 500,
});

const market = (v: unknown, p: string) => ident(v, p, BODY_LIMITS.marketChars);
const id = (v: unknown, p: string) => ident(v, p, BODY_LIMITS.idChars);
const u256 = (v: unknown, p: string, min = 0n) => uint(v, p, 256, min);
const u64 = (v: unknown, p: string) => uint(v, p, 64);

function asset(value: unknown, path: string): B2BAsset {
  const r = record(value, path, ["chainId", "token"]);
  return { chainId: u64(r.chainId, `${path}.chainId`), token: address(r.token, `${path}.token`) };
}

function levels(value: unknown, path: string, descending: boolean): BookLevel[] {
  const out = list(value, path, BODY_LIMITS.maxLevelsPerSide, (v, p) => {
    const r = record(v, p, ["price", "baseAmount"]);
    return { price: u256(r.price, `${p}.price`, 1n), baseAmount: u256(r.baseAmount, `${p}.baseAmount`, 1n) };
  });
  for (let i = 1; i < out.length; i++) {
    const ordered = descending ? out[i]!.price < out[i - 1]!.price : out[i]!.price > out[i - 1]!.price;
    if (!ordered)
      throw new MalformedField(`${path}[${i}]`, `prices not strictly ${descending ? "descending" : "ascending"}`);
  }
  return out;
}

function snapshot(v: unknown): SnapshotRequest | SnapshotResponse {
  const type = oneOf(
    record(v, "$", ["type"], ["market", "depth", "requestSeq", "bookSeq", "bids", "asks"]).type,
    "$.type",
    ["request", "response"],
  );
  if (type === "request") {
    const r = record(v, "$", ["type", "market", "depth"]);
    return { type, market: market(r.market, "$.market"), depth: int(r.depth, "$.depth", 1, BODY_LIMITS.maxDepth) };
  }
  const r = record(v, "$", ["type", "requestSeq", "market", "bookSeq", "bids", "asks"]);
  return {
    type,
    requestSeq: uint(r.requestSeq, "$.requestSeq", 64, 1n),
    market: market(r.market, "$.market"),
    bookSeq: u64(r.bookSeq, "$.bookSeq"),
    bids: levels(r.bids, "$.bids", true),
    asks: levels(r.asks, "$.asks", false),
  };
}

function increment(v: unknown): OrderbookIncrement {
  const r = record(v, "$", ["market", "bookSeq", "side", "price", "baseAmount"]);
  return {
    market: market(r.market, "$.market"),
    bookSeq: u64(r.bookSeq, "$.bookSeq"),
    side: oneOf(r.side, "$.side", SIDES),
    price: u256(r.price, "$.price", 1n),
    baseAmount: u256(r.baseAmount, "$.baseAmount"),
  };
}

function tradeEvent(v: unknown): TradeEvent {
  const r = record(v, "$", ["market", "tradeId", "price", "baseAmount", "takerSide", "executedAtMs"]);
  return {
    market: market(r.market, "$.market"),
    tradeId: id(r.tradeId, "$.tradeId"),
    price: u256(r.price, "$.price", 1n),
    baseAmount: u256(r.baseAmount, "$.baseAmount", 1n),
    takerSide: oneOf(r.takerSide, "$.takerSide", SIDES),
    executedAtMs: u64(r.executedAtMs, "$.executedAtMs"),
  };
}

function createOrder(v: unknown): CreateRemoteOrder {
  const r = record(v, "$", ["orderId", "market", "base", "quote", "side", "baseAmount", "quoteLimit", "tif"]);
  const out: CreateRemoteOrder = {
    orderId: id(r.orderId, "$.orderId"),
    market: market(r.market, "$.market"),
    base: asset(r.base, "$.base"),
    quote: asset(r.quote, "$.quote"),
    side: oneOf(r.side, "$.side", SIDES),
    baseAmount: u256(r.baseAmount, "$.baseAmount", 1n),
    quoteLimit: u256(r.quoteLimit, "$.quoteLimit", 1n),
    tif: oneOf(r.tif, "$.tif", ["GTC", "IOC"] as const),
  };
  if (out.base.chainId === out.quote.chainId && out.base.token === out.quote.token)
    throw new MalformedField("$.quote", "the same asset as base");
  return out;
}

function updateOrder(v: unknown): UpdateRemoteOrder {
  const action = oneOf(record(v, "$", ["orderId", "action"], ["baseAmount", "quoteLimit"]).action, "$.action", [
    "cancel",
    "amend",
  ] as const);
  if (action === "cancel") return { orderId: id(record(v, "$", ["orderId", "action"]).orderId, "$.orderId"), action };
  const r = record(v, "$", ["orderId", "action", "baseAmount", "quoteLimit"]);
  return {
    orderId: id(r.orderId, "$.orderId"),
    action,
    baseAmount: u256(r.baseAmount, "$.baseAmount", 1n),
    quoteLimit: u256(r.quoteLimit, "$.quoteLimit", 1n),
  };
}

const FILL_KEYS = ["tradeId", "baseAmount", "quoteAmount", "stateVersion"];
function notify(v: unknown): NotifyOrderUpdate {
  const head = record(v, "$", ["orderId", "update", "remainingBase"], FILL_KEYS);
  const update = oneOf(head.update, "$.update", ["accepted", "amended", "cancelled", "rejected", "fill"] as const);
  if (update !== "fill") {
    const r = record(v, "$", ["orderId", "update", "remainingBase"]);
    return { orderId: id(r.orderId, "$.orderId"), update, remainingBase: u256(r.remainingBase, "$.remainingBase") };
  }
  const r = record(v, "$", ["orderId", "update", "remainingBase", ...FILL_KEYS]);
  return {
    orderId: id(r.orderId, "$.orderId"),
    update,
    tradeId: id(r.tradeId, "$.tradeId"),
    baseAmount: u256(r.baseAmount, "$.baseAmount", 1n),
    quoteAmount: u256(r.quoteAmount, "$.quoteAmount", 1n),
    remainingBase: u256(r.remainingBase, "$.remainingBase"),
    stateVersion: uint(r.stateVersion, "$.stateVersion", 48),
  };
}

const READERS: { [K in RpcKind]: (v: unknown) => RpcBodies[K] } = {
  [RpcKind.getOrderbookSnapshot]: snapshot,
  [RpcKind.pushOrderbookIncrement]: increment,
  [RpcKind.pushTradeEvent]: tradeEvent,
  [RpcKind.createRemoteOrder]: createOrder,
  [RpcKind.updateRemoteOrder]: updateOrder,
  [RpcKind.notifyOrderUpdate]: notify,
};

/** The result of reading a body: the typed body, or where and why it is malformed. */
export type BodyResult<K extends RpcKind> = { ok: true; body: RpcBodies[K] } | { ok: false; reason: string };

/** Validates a body of `kind` (parsed canonical JSON or typed) and returns it typed with bigints. */
export function readBody<K extends RpcKind>(kind: K, value: unknown): BodyResult<K> {
  try {
    return { ok: true, body: READERS[kind](value) };
  } catch (error) {
    if (error instanceof MalformedField) return { ok: false, reason: error.message };
    throw error;
  }
}
