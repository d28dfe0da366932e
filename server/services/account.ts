/**
 * A trader's account: current state from the engine's memory (balances, positions, open
 * orders), history from the journal's read model (JournalIndex: fills, fees, funding, every event),
 * paginated by journal seq. Computed in base units; returned as wire amounts (wire-units.ts: whole
 * tokens with their symbol, prices per WHOLE base token).
 */
import type { EngineEvent } from "../../core/engine";
import { abs, BPS, divDown, divUp } from "../../core/money/math";
import type { Db } from "../db";
import { eventColumns, eventConcerns } from "../engine/event-columns";
import type { EventType } from "../engine/journal-index";
import { eachEntryOf, entriesOf, eventsOf, type StoredEntry } from "../engine/journal-read";
import { priceFromPerLotDown } from "../engine/market-config";
import type { EngineRuntime } from "../engine/runtime";
import type { AssetRef } from "../../core/market/config";
import { assetDecimals, marketOf, toActivityRow, type ActivityKind, type ActivityRow } from "./account-activity";
import { amountOf, baseAmount, quoteAmount, type TokenAmount } from "./wire-units";

export interface BalanceView {
  asset: string;
  available: TokenAmount;
  locked: TokenAmount;
  total: TokenAmount;
}

/** Balances of every asset the markets use (zero rows included). */
export function balances(rt: EngineRuntime, account: string): BalanceView[] {
  const assets = new Map<string, number>();
  for (const m of rt.markets()) {
    assets.set(m.quote.symbol, m.quote.decimals);
    if (m.kind === "SPOT") assets.set(m.base.symbol, m.base.decimals);
  }
  return rt.read((ex) =>
    [...assets]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([asset, decimals]) => {
        const b = ex.balance(account, asset);
        const ref = { symbol: asset, decimals };
        return {
          asset,
          available: amountOf(b.available, ref),
          locked: amountOf(b.locked, ref),
          total: amountOf(b.available + b.locked, ref),
        };
      }),
  );
}

export interface PositionView {
  market: string;
  /** signed: positive long, negative short */
  size: TokenAmount;
  /** average entry per whole token, rounded down */
  entryPrice: TokenAmount;
  markPrice: TokenAmount | null;
  /** estimated: the mark at which the account's equity meets maintenance margin, other positions unchanged (long: rounded up, short: down) */
  liquidationPrice: TokenAmount | null;
  unrealizedPnl: TokenAmount;
  realizedPnl: TokenAmount;
  /** maintenance margin / equity of the settlement asset, in bps (>= 10000 means liquidatable); null without equity */
  marginRatioBps: bigint | null;
}

/** Open perpetual positions with their risk figures. */
export function positions(rt: EngineRuntime, account: string): PositionView[] {
  const out: PositionView[] = [];
  for (const m of rt.markets()) {
    if (m.kind !== "PERP") continue;
    const row = rt.read((ex) => {
      const pos = ex.position(account, m.symbol);
      if (pos.sizeBase === 0n) return null;
      return { pos, prices: ex.prices(m.symbol), risk: ex.risk(account, m.quote.symbol) };
    });
    if (row === null) continue;
    const { pos, prices, risk } = row;
    const lots = pos.sizeBase / m.lotSize;
    const oneBase = 10n ** BigInt(m.base.decimals);
    const mark = prices.markPerLot;
    const upnl = mark === null ? 0n : lots * mark - pos.entryQuote;
    const mmBps = BigInt(m.maintenanceMarginBps);
    let liq: bigint | null = null;
    if (mark !== null) {
      // equity(P) = E + lots (P - mark); maintenance(P) = |lots| P mm + other; solve equity = maintenance for P (per lot)
      const ownMm = divUp(abs(lots) * mark * mmBps, BPS);
      const other = risk.maintenanceMarginQuote - ownMm;
      const num = (other - risk.equityQuote + lots * mark) * BPS;
      const den = lots * BPS - abs(lots) * mmBps;
      const perLot = lots > 0n ? divUp(num, den) : divDown(num, den);
      liq = perLot > 0n ? priceFromPerLotDown(m, perLot) : null;
    }
    const quote = (units: bigint | null) => (units === null ? null : quoteAmount(m, units));
    out.push({
      market: m.symbol,
      size: baseAmount(m, pos.sizeBase),
      entryPrice: quoteAmount(m, divDown(pos.entryQuote * oneBase, pos.sizeBase)),
      markPrice: quote(mark === null ? null : priceFromPerLotDown(m, mark)),
      liquidationPrice: quote(liq),
      unrealizedPnl: quoteAmount(m, upnl),
      realizedPnl: quoteAmount(m, pos.realizedPnlQuote),
      marginRatioBps: risk.equityQuote > 0n ? divUp(risk.maintenanceMarginQuote * BPS, risk.equityQuote) : null,
    });
  }
  return out;
}

export interface OpenOrderView {
  orderId: number;
  market: string;
  side: "buy" | "sell";
  price: TokenAmount;
  /** remaining size */
  size: TokenAmount;
}

/** Resting orders on the books (pending stops and TP/SL are in history as triggerAccepted). */
export function openOrders(rt: EngineRuntime, account: string): OpenOrderView[] {
  const rows = rt.read((ex) => ex.openOrders(account));
  return rows.map((o) => {
    const m = marketOf(rt, o.market);
    return {
      orderId: o.orderId,
      market: o.market,
      side: o.side,
      price: quoteAmount(m, priceFromPerLotDown(m, o.pricePerLot)),
      size: baseAmount(m, o.sizeBase),
    };
  });
}

export interface TriggerOrderView {
  orderId: number;
  market: string;
  type: "stopMarket" | "stopLimit" | "takeProfit" | "stopLoss";
  /** null for a take-profit / stop-loss: it closes the whole position, whichever side it is */
  side: "buy" | "sell" | null;
  /** per whole token, rounded down */
  trigger: TokenAmount;
  /** the limit (stop-limit) or worst price (stop-market, slippage bound) of the order it places */
  price: TokenAmount | null;
  /** null: the whole position */
  size: TokenAmount | null;
  reduceOnly: boolean;
  status: "pending";
}

/** Pending stop, take-profit and stop-loss orders (they are not on the book until they fire). */
export function triggerOrders(rt: EngineRuntime, account: string): TriggerOrderView[] {
  const rows = rt.read((ex) => ex.triggerOrders(account));
  return rows.map((t) => {
    const m = marketOf(rt, t.market);
    const price = (perLot: bigint | null) => (perLot === null ? null : quoteAmount(m, priceFromPerLotDown(m, perLot)));
    return {
      orderId: t.orderId,
      market: t.market,
      type: t.kind === "stop" ? (t.orderKind === "limit" ? "stopLimit" : "stopMarket") : t.kind,
      side: t.side,
      trigger: price(t.triggerPerLot)!,
      price: t.kind === "stop" ? price(t.pricePerLot) : null,
      size: t.sizeBase === null ? null : baseAmount(m, t.sizeBase),
      reduceOnly: t.reduceOnly,
      status: "pending",
    };
  });
}

export interface Page {
  /** only rows with a seq below this (the previous page's nextBefore) */
  before?: bigint;
  limit: number;
}

export interface HistoryRow {
  seq: bigint;
  idx: number;
  type: string;
  market: string | null;
  timeMs: bigint;
  event: EngineEvent;
}

/** The account's events of `types` (all when undefined) in these entries, newest first. */
function ownEventsNewestFirst(
  entries: readonly StoredEntry[],
  account: string,
  types?: readonly string[],
): HistoryRow[] {
  const keep = (e: EngineEvent) => (types === undefined || types.includes(e.type)) && eventConcerns(e, account);
  return eventsOf(entries, keep)
    .reverse()
    .map((r) => ({ ...r, type: r.event.type, market: eventColumns(r.event).market }));
}

/** The account's events, newest first (pages by seq). `types` narrows to some event types. */
export async function history(
  db: Db,
  account: string,
  page: Page,
  types?: readonly EventType[],
): Promise<{ rows: HistoryRow[]; nextBefore: bigint | null }> {
  // every entry listed has at least one such event of the account, so limit + 1 entries hold more than a page
  const entries = await entriesOf(db, account, { types, before: page.before, limit: page.limit + 1 });
  const rows: HistoryRow[] = [];
  let last: bigint | null = null;
  let more = false;
  for (let n = 0; n < entries.length; n++) {
    const own = ownEventsNewestFirst([entries[n]!], account, types);
    // a page ends on a whole entry, so `before` never splits one command's events; one command with
    // more of the account's events than a page holds is returned whole
    if (rows.length > 0 && rows.length + own.length > page.limit) {
      more = true;
      break;
    }
    rows.push(...own);
    last = entries[n]!.seq;
    if (rows.length >= page.limit) {
      more = n + 1 < entries.length;
      break;
    }
  }
  return { rows, nextBefore: more ? last : null };
}

export interface FillView {
  seq: bigint;
  market: string;
  side: "buy" | "sell";
  role: "maker" | "taker";
  orderId: number;
  price: TokenAmount;
  size: TokenAmount;
  notional: TokenAmount;
  /** positive paid, negative rebate */
  fee: TokenAmount;
  liquidation: boolean;
  timeMs: bigint;
}

/** The account's fills (its side of each), newest first. */
export async function fills(
  rt: EngineRuntime,
  db: Db,
  account: string,
  page: Page,
): Promise<{ fills: FillView[]; nextBefore: bigint | null }> {
  const h = await history(db, account, page, ["fill"]);
  const out: FillView[] = [];
  for (const r of h.rows) {
    const e = r.event;
    if (e.type !== "fill") continue;
    const m = marketOf(rt, e.market);
    const taker = e.taker === account;
    out.push({
      seq: r.seq,
      market: e.market,
      side: taker ? e.takerSide : e.takerSide === "buy" ? "sell" : "buy",
      role: taker ? "taker" : "maker",
      orderId: taker ? e.takerOrderId : e.makerOrderId,
      price: quoteAmount(m, priceFromPerLotDown(m, e.pricePerLot)),
      size: baseAmount(m, e.sizeBase),
      notional: quoteAmount(m, e.notionalQuote),
      fee: quoteAmount(m, taker ? e.takerFeeQuote : e.makerFeeQuote),
      liquidation: e.liquidation,
      timeMs: r.timeMs,
    });
  }
  return { fills: out, nextBefore: h.nextBefore };
}

/** Fees paid (and rebates received) per asset over the account's fills, with the newest fills' fees. */
export async function fees(rt: EngineRuntime, db: Db, account: string, page: Page) {
  const totals = new Map<string, { units: bigint; asset: AssetRef }>();
  for await (const entry of eachEntryOf(db, account, { types: ["fill"] })) {
    for (const e of entry.events) {
      if (e.type !== "fill" || (e.taker !== account && e.maker !== account)) continue;
      const asset = marketOf(rt, e.market).quote;
      const fee = e.taker === account ? e.takerFeeQuote : e.makerFeeQuote;
      totals.set(asset.symbol, { units: (totals.get(asset.symbol)?.units ?? 0n) + fee, asset });
    }
  }
  const recent = await fills(rt, db, account, page);
  return {
    totals: [...totals.values()].map((t) => ({ fee: amountOf(t.units, t.asset) })),
    fees: recent.fills.map((f) => ({ seq: f.seq, market: f.market, role: f.role, fee: f.fee, timeMs: f.timeMs })),
    nextBefore: recent.nextBefore,
  };
}

/** Funding payments (positive received, negative paid), newest first. */
export async function funding(rt: EngineRuntime, account: string, page: Page) {
  const h = await history(rt.db, account, page, ["fundingPayment"]);
  return {
    payments: h.rows.flatMap((r) =>
      r.event.type === "fundingPayment"
        ? [
            {
              seq: r.seq,
              market: r.event.market,
              amount: quoteAmount(marketOf(rt, r.event.market), r.event.amountQuote),
              timeMs: r.timeMs,
            },
          ]
        : [],
    ),
    nextBefore: h.nextBefore,
  };
}

/** The account's events after a journal position, oldest first (live-feed back-fill). */
export async function eventsAfter(
  db: Db,
  account: string,
  after: { seq: bigint; idx: number },
  limit: number,
): Promise<HistoryRow[]> {
  // each entry listed holds at least one of the account's events, so `limit` entries hold enough
  const entries = await entriesOf(db, account, { from: after.seq, limit: limit + 1 });
  return eventsOf(entries, (e) => eventConcerns(e, account))
    .filter((r) => r.seq > after.seq || r.idx > after.idx)
    .slice(0, limit)
    .map((r) => ({ ...r, type: r.event.type, market: eventColumns(r.event).market }));
}

/** The trader's activity (version 1 DTOs: whole-token amounts, the trader's side only), newest first. */
export async function activity(
  rt: EngineRuntime,
  account: string,
  page: Page,
  kinds?: readonly ActivityKind[],
): Promise<{ rows: ActivityRow[]; nextBefore: bigint | null }> {
  const types = kinds?.map((k): EventType => (k === "insuranceCover" ? "insurance" : k));
  const h = await history(rt.db, account, page, types);
  const decimals = assetDecimals(rt);
  const rows = h.rows.flatMap((r) => toActivityRow(r, account, rt, decimals) ?? []);
  return { rows, nextBefore: h.nextBefore };
}
