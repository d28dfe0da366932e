/**
 * The trader's activity on the wire (version 1): what `account.history` and `feeds.account`
 * send instead of the engine's internal events. One function turns an engine event into the
 * trader's view of it, so the rules live in one place:
 * - amounts are whole-token decimal strings with their symbol (`{ value: "0.5", symbol: "WETH" }`),
 *   prices are quote per ONE WHOLE base token, rounded down (the engine keeps per-lot units);
 * - a fill is the trader's side of it (side, role, own order id, own fee), never the other party's
 *   address; an ADL says which side the trader was on, not who the other was.
 */
import { z } from "zod";
import type { EngineEvent } from "../../core/engine";
import { ClearlineError } from "../../core/errors";
import type { MarketView } from "../../core/market/view";
import { priceFromPerLotDown } from "../engine/market-config";
import { humanMessage } from "./order-messages";
import { amountOf, baseAmount, quoteAmount, tokenAmount, type TokenAmount } from "./wire-units";

export const ACTIVITY_VERSION = 1 as const;

const side = z.enum(["buy", "sell"]);
const triggerKind = z.enum(["stop", "takeProfit", "stopLoss"]);

/** Every kind of activity a trader sees (the engine's market-wide and ops events are not among them). */
export const activitySchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("orderAccepted"),
    market: z.string(),
    orderId: z.number().int(),
    side,
    orderKind: z.enum(["limit", "market", "stopLimit", "stopMarket"]),
    price: tokenAmount.nullable(),
    size: tokenAmount,
    tif: z.enum(["GTC", "IOC", "FOK"]),
    postOnly: z.boolean(),
    reduceOnly: z.boolean(),
    clientOrderId: z.string().nullable(),
    origin: z.enum(["user", "trigger", "liquidation"]),
  }),
  z.object({
    kind: z.literal("orderDone"),
    market: z.string(),
    orderId: z.number().int(),
    reason: z.enum(["filled", "cancelled", "expired", "selfTrade", "reduceOnly", "liquidation"]),
    filled: tokenAmount,
    remaining: tokenAmount,
  }),
  z.object({
    kind: z.literal("orderAmended"),
    market: z.string(),
    orderId: z.number().int(),
    price: tokenAmount,
    size: tokenAmount,
    keptPriority: z.boolean(),
  }),
  z.object({
    kind: z.literal("fill"),
    market: z.string(),
    orderId: z.number().int(),
    side,
    role: z.enum(["maker", "taker"]),
    price: tokenAmount,
    size: tokenAmount,
    notional: tokenAmount,
    /** positive = paid, negative = rebate received; for a liquidated taker, the liquidation fee */
    fee: tokenAmount,
    liquidation: z.boolean(),
  }),
  z.object({
    kind: z.literal("balance"),
    available: tokenAmount,
    locked: tokenAmount,
    changeAvailable: tokenAmount,
    changeLocked: tokenAmount,
    reason: z.enum([
      "deposit",
      "withdraw",
      "lock",
      "unlock",
      "trade",
      "fee",
      "funding",
      "liquidationFee",
      "insurance",
      "adl",
      "backstop",
    ]),
  }),
  z.object({
    kind: z.literal("position"),
    market: z.string(),
    /** signed: negative = short */
    size: tokenAmount,
    entry: tokenAmount,
    realizedPnl: tokenAmount,
  }),
  z.object({ kind: z.literal("fundingPayment"), market: z.string(), amount: tokenAmount }),
  z.object({
    kind: z.literal("triggerAccepted"),
    market: z.string(),
    orderId: z.number().int(),
    triggerKind,
    trigger: tokenAmount,
  }),
  z.object({
    kind: z.literal("triggered"),
    market: z.string(),
    orderId: z.number().int(),
    triggerKind,
    trigger: tokenAmount,
    price: tokenAmount,
  }),
  z.object({
    kind: z.literal("triggerCancelled"),
    market: z.string(),
    orderId: z.number().int(),
    reason: z.enum(["cancelled", "oco", "positionClosed", "replaced", "liquidation"]),
  }),
  z.object({ kind: z.literal("liquidationStarted"), equity: tokenAmount, maintenance: tokenAmount }),
  z.object({ kind: z.literal("liquidationFinished"), equity: tokenAmount }),
  z.object({
    kind: z.literal("adl"),
    market: z.string(),
    /** deleveraged: a profitable position of yours was reduced; liquidated: yours was the bankrupt side */
    yourSide: z.enum(["deleveraged", "liquidated"]),
    size: tokenAmount,
    price: tokenAmount,
  }),
  z.object({ kind: z.literal("backstop"), amount: tokenAmount }),
  z.object({ kind: z.literal("insuranceCover"), amount: tokenAmount }),
  z.object({
    kind: z.literal("rejected"),
    orderId: z.number().int().nullable(),
    command: z.string(),
    code: z.string(),
    message: z.string(),
  }),
]);
export type Activity = z.infer<typeof activitySchema>;
export type ActivityKind = Activity["kind"];
export const ACTIVITY_KINDS = activitySchema.options.map((o) => o.shape.kind.value) as [
  ActivityKind,
  ...ActivityKind[],
];

/** One row of the trader's activity: where it sits in the journal, when, and what happened. */
export const activityRowSchema = z.object({
  v: z.literal(ACTIVITY_VERSION),
  seq: z.bigint(),
  idx: z.number().int(),
  timeMs: z.bigint(),
  activity: activitySchema,
});
export type ActivityRow = z.infer<typeof activityRowSchema>;

/** Where the units come from: the Market table's view of each market. */
export interface ActivityUnits {
  market(symbol: string): MarketView | null;
  markets(): MarketView[];
}

/** A market the journal names is in the catalogue (markets are never removed): an INTERNAL error otherwise. */
export function marketOf(units: Pick<ActivityUnits, "market">, symbol: string): MarketView {
  const m = units.market(symbol);
  if (!m) throw new ClearlineError("INTERNAL", `market ${symbol} is in the journal but not in the catalogue`);
  return m;
}

/** Decimals per asset symbol, from every market's base and quote. */
export function assetDecimals(units: ActivityUnits): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of units.markets()) {
    out.set(m.base.symbol, m.base.decimals);
    out.set(m.quote.symbol, m.quote.decimals);
  }
  return out;
}

/** A journal row of the account as the trader sees it; null for an event that is not the trader's to see. */
export function toActivityRow(
  row: { seq: bigint; idx: number; timeMs: bigint; event: EngineEvent },
  account: string,
  units: ActivityUnits,
  decimals: ReadonlyMap<string, number> = assetDecimals(units),
): ActivityRow | null {
  const activity = toActivity(row.event, account, units, decimals);
  return activity && { v: ACTIVITY_VERSION, seq: row.seq, idx: row.idx, timeMs: row.timeMs, activity };
}

/** The trader's view of one engine event (null: a market-wide or ops event, or someone else's). */
export function toActivity(
  e: EngineEvent,
  account: string,
  units: ActivityUnits,
  decimals: ReadonlyMap<string, number>,
): Activity | null {
  const market = (symbol: string) => marketOf(units, symbol);
  const asset = (symbol: string, amount: bigint): TokenAmount => {
    const d = decimals.get(symbol);
    if (d === undefined) throw new ClearlineError("INTERNAL", `asset ${symbol} is in the journal but in no market`);
    return amountOf(amount, { symbol, decimals: d });
  };
  const price = (m: MarketView, perLot: bigint) => quoteAmount(m, priceFromPerLotDown(m, perLot));

  switch (e.type) {
    case "orderAccepted": {
      const m = market(e.market);
      return {
        kind: e.type,
        market: e.market,
        orderId: e.orderId,
        side: e.side,
        orderKind: e.kind,
        price: e.pricePerLot === null ? null : price(m, e.pricePerLot),
        size: baseAmount(m, e.sizeBase),
        tif: e.tif,
        postOnly: e.postOnly,
        reduceOnly: e.reduceOnly,
        clientOrderId: e.clientOrderId,
        origin: e.origin,
      };
    }
    case "orderDone": {
      const m = market(e.market);
      return {
        kind: e.type,
        market: e.market,
        orderId: e.orderId,
        reason: e.reason,
        filled: baseAmount(m, e.filledBase),
        remaining: baseAmount(m, e.remainingBase),
      };
    }
    case "orderAmended": {
      const m = market(e.market);
      const { orderId, keptPriority } = e;
      return {
        kind: e.type,
        market: e.market,
        orderId,
        price: price(m, e.pricePerLot),
        size: baseAmount(m, e.sizeBase),
        keptPriority,
      };
    }
    case "fill": {
      if (e.taker !== account && e.maker !== account) return null;
      const m = market(e.market);
      const taker = e.taker === account;
      return {
        kind: e.type,
        market: e.market,
        orderId: taker ? e.takerOrderId : e.makerOrderId,
        side: taker ? e.takerSide : e.takerSide === "buy" ? "sell" : "buy",
        role: taker ? "taker" : "maker",
        price: price(m, e.pricePerLot),
        size: baseAmount(m, e.sizeBase),
        notional: quoteAmount(m, e.notionalQuote),
        fee: quoteAmount(m, taker ? e.takerFeeQuote : e.makerFeeQuote),
        liquidation: e.liquidation,
      };
    }
    case "balance":
      return {
        kind: e.type,
        available: asset(e.asset, e.available),
        locked: asset(e.asset, e.locked),
        changeAvailable: asset(e.asset, e.deltaAvailable),
        changeLocked: asset(e.asset, e.deltaLocked),
        reason: e.reason,
      };
    case "position": {
      const m = market(e.market);
      return {
        kind: e.type,
        market: e.market,
        size: baseAmount(m, e.sizeBase),
        entry: quoteAmount(m, e.entryQuote),
        realizedPnl: quoteAmount(m, e.realizedPnlQuote),
      };
    }
    case "fundingPayment":
      return { kind: e.type, market: e.market, amount: quoteAmount(market(e.market), e.amountQuote) };
    case "triggerAccepted":
      return {
        kind: e.type,
        market: e.market,
        orderId: e.orderId,
        triggerKind: e.kind,
        trigger: price(market(e.market), e.triggerPerLot),
      };
    case "triggered": {
      const m = market(e.market);
      return {
        kind: e.type,
        market: e.market,
        orderId: e.orderId,
        triggerKind: e.kind,
        trigger: price(m, e.triggerPerLot),
        price: price(m, e.pricePerLot),
      };
    }
    case "triggerCancelled":
      return { kind: e.type, market: e.market, orderId: e.orderId, reason: e.reason };
    case "liquidationStarted":
      return {
        kind: e.type,
        equity: asset(e.asset, e.equityQuote),
        maintenance: asset(e.asset, e.maintenanceQuote),
      };
    case "liquidationFinished":
      return { kind: e.type, equity: asset(e.asset, e.equityQuote) };
    case "adl": {
      if (e.account !== account && e.counterparty !== account) return null;
      const m = market(e.market);
      return {
        kind: e.type,
        market: e.market,
        yourSide: e.account === account ? "liquidated" : "deleveraged", // the event's account is the liquidated leg
        size: baseAmount(m, e.sizeBase),
        price: price(m, e.pricePerLot),
      };
    }
    case "backstop":
      return { kind: e.type, amount: asset(e.asset, e.amountQuote) };
    case "insurance":
      return e.account === account ? { kind: "insuranceCover", amount: asset(e.asset, e.deltaQuote) } : null;
    case "rejected": {
      // worded in whole tokens when the refusal names its market (order-messages.ts)
      const m = typeof e.details.market === "string" ? units.market(e.details.market) : null;
      const message = (m && humanMessage(e.code, e.details, m)) ?? e.message;
      return { kind: e.type, orderId: e.orderId, command: e.command, code: e.code, message };
    }
    case "marketAdded":
    case "marketUpdated":
    case "markPrice":
    case "funding":
      return null;
  }
}
