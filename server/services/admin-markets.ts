/**
 * Ops console, markets: list with status, open interest and resting orders; create (the Market
 * row + audit in one transaction, then the engine through runtime.syncMarkets()); halt and
 * resume (Market.status + audit in one transaction, then the runtime guard); parameter changes
 * (the engine's updateMarket command, then the Market row + audit in one transaction) with a
 * preview that runs the same command on a copy of the engine.
 */
import { Exchange, type EngineEvent, type MarketParamsUpdate, type UpdatableMarketParams } from "../../core/engine";
import { validateMarketConfig } from "../../core/market/config";
import { ClearlineError } from "../../core/errors";
import type { Db } from "../db";
import { bigintToDecimal } from "../db/decimal";
import { priceFromPerLotDown, toEngineMarketConfig } from "../engine/market-config";
import type { EngineRuntime } from "../engine/runtime";
import { audited } from "./audit";
import { engineSnapshot } from "./admin-risk";
import { listMarkets, type MarketView } from "./markets";

export interface AdminMarketRow extends MarketView {
  /** halted in the running engine (the guard order entry checks) */
  haltedInEngine: boolean;
  inEngine: boolean;
  restingOrders: number;
  mark: bigint | null;
  index: bigint | null;
  last: bigint | null;
  /** perpetuals: total long size (base units) */
  openInterest: bigint | null;
  /** perpetuals, from the engine (no Market column): liquidation fee in pips, mark band in bps */
  liquidationFeePips: number | null;
  markBandBps: number | null;
}

export async function adminMarkets(rt: EngineRuntime, db: Db): Promise<AdminMarketRow[]> {
  const rows = await listMarkets(db);
  const snap = engineSnapshot(rt);
  const inEngine = new Set(snap.markets.map((m) => m.params.symbol));
  return rows.map((m) => {
    const p = rt.read((ex) => ex.prices(m.symbol));
    const whole = (v: bigint | null) => (v === null ? null : priceFromPerLotDown(m, v));
    let oiLots = 0n;
    for (const a of snap.accounts)
      for (const leg of a.legs) if (leg.market === m.symbol && leg.lots > 0n) oiLots += leg.lots;
    const params = snap.markets.find((x) => x.params.symbol === m.symbol)?.params;
    const perp = m.kind === "PERP" && params !== undefined;
    let halted = false;
    try {
      rt.checkTradingAllowed("@ops-console-probe", m.symbol);
    } catch {
      halted = true;
    }
    return {
      ...m,
      haltedInEngine: halted,
      inEngine: inEngine.has(m.symbol),
      restingOrders: rt.read((ex) => ex.restingCount(m.symbol)),
      mark: whole(p.markPerLot),
      index: whole(p.indexPerLot),
      last: whole(p.lastPerLot),
      openInterest: m.kind === "PERP" ? oiLots * m.lotSize : null,
      liquidationFeePips: perp ? Number(params.liquidationFeePips) : null,
      markBandBps: perp ? Number(params.markBandBps) : null,
    };
  });
}

export interface CreateMarketInput {
  symbol: string;
  kind: "SPOT" | "PERP";
  baseAsset: string;
  quoteAsset: string;
  /** quote base units per whole base token */
  tickSize: bigint;
  /** base-asset base units */
  lotSize: bigint;
  /** quote base units */
  minNotional: bigint;
  maxLeverage: number;
  initialMarginBps: number;
  maintenanceMarginBps: number;
  makerFeePips: number;
  takerFeePips: number;
  fundingIntervalSec: number | null;
  fundingCapPips: number | null;
}

/** Create a market: validated exactly as the engine will, stored and audited, then added to the running engine. */
export async function createMarket(
  rt: EngineRuntime,
  actor: string,
  input: CreateMarketInput,
): Promise<{ market: AdminMarketRow | null; auditId: bigint; addedToEngine: boolean }> {
  const db = rt.db;
  const [base, quote] = await Promise.all([
    db.asset.findUnique({ where: { symbol: input.baseAsset } }),
    db.asset.findUnique({ where: { symbol: input.quoteAsset } }),
  ]);
  if (base === null)
    throw new ClearlineError("INVALID_INPUT", `no asset ${input.baseAsset} (known assets come from the deployment)`, {
      asset: input.baseAsset,
    });
  if (quote === null)
    throw new ClearlineError("INVALID_INPUT", `no asset ${input.quoteAsset} (known assets come from the deployment)`, {
      asset: input.quoteAsset,
    });
  const spot = input.kind === "SPOT";
  const row = {
    symbol: input.symbol,
    kind: input.kind,
    baseAsset: base.symbol,
    quoteAsset: quote.symbol,
    tickSize: input.tickSize,
    lotSize: input.lotSize,
    minNotional: input.minNotional,
    maxLeverage: spot ? 1 : input.maxLeverage,
    initialMarginBps: spot ? 10_000 : input.initialMarginBps,
    maintenanceMarginBps: spot ? 10_000 : input.maintenanceMarginBps,
    makerFeePips: input.makerFeePips,
    takerFeePips: input.takerFeePips,
    fundingIntervalSec: spot ? null : input.fundingIntervalSec,
    fundingCapPips: spot ? null : input.fundingCapPips,
  };
  const view: MarketView = {
    ...row,
    status: "ACTIVE",
    base: { symbol: base.symbol, decimals: base.decimals },
    quote: { symbol: quote.symbol, decimals: quote.decimals },
  };
  // the same checks the engine's addMarket runs, before anything is written
  const params = validateMarketConfig(toEngineMarketConfig(view));
  if ("code" in params) throw new ClearlineError("MARKET_CONFIG_INVALID", params.message, params.details);
  const { auditId } = await audited(db, { actor, action: "market.create", target: input.symbol }, async (tx) => {
    const exists = await tx.market.findUnique({ where: { symbol: input.symbol }, select: { symbol: true } });
    if (exists !== null)
      throw new ClearlineError("CONFLICT", `market ${input.symbol} exists`, { market: input.symbol });
    await tx.market.create({
      data: {
        ...row,
        tickSize: bigintToDecimal(row.tickSize),
        lotSize: bigintToDecimal(row.lotSize),
        minNotional: bigintToDecimal(row.minNotional),
      },
    });
    return { before: null, after: row, result: null };
  });
  const added = await rt.syncMarkets();
  const market = (await adminMarkets(rt, db)).find((m) => m.symbol === input.symbol) ?? null;
  return { market, auditId, addedToEngine: added.includes(input.symbol) || (market?.inEngine ?? false) };
}

/**
 * Halt or resume a market. A halted market refuses new orders, amendments and cancellations with
 * "market X is halted" (PRECONDITION_FAILED) and cancels NOTHING: resting orders stay on the
 * book, positions stay open, mark prices, funding and liquidations go on.
 */
export async function setMarketHalted(
  rt: EngineRuntime,
  actor: string,
  symbol: string,
  halted: boolean,
  reason: string,
): Promise<{ market: string; status: "ACTIVE" | "HALTED"; restingOrders: number; auditId: bigint }> {
  if (rt.market(symbol) === null)
    throw new ClearlineError("MARKET_NOT_FOUND", `no market ${symbol}`, { market: symbol });
  const status = halted ? "HALTED" : "ACTIVE";
  const restingOrders = rt.read((ex) => ex.restingCount(symbol));
  const { auditId } = await audited(
    rt.db,
    { actor, action: halted ? "market.halt" : "market.resume", target: symbol },
    async (tx) => {
      const row = await tx.market.findUnique({ where: { symbol }, select: { status: true } });
      if (row === null) throw new ClearlineError("MARKET_NOT_FOUND", `no market ${symbol}`, { market: symbol });
      if (row.status === status)
        throw new ClearlineError("CONFLICT", `market ${symbol} is already ${status.toLowerCase()}`, {
          market: symbol,
          status,
        });
      await tx.market.update({ where: { symbol }, data: { status } });
      return {
        before: { status: row.status },
        after: { status, reason, restingOrdersKept: restingOrders },
        result: null,
      };
    },
  );
  // the database says HALTED first, so a restart halts it too (syncMarkets reads Market.status)
  rt.setMarketHalted(symbol, halted);
  return { market: symbol, status, restingOrders, auditId };
}

/** A parameter change in the Market table's units (fees in pips, margins and band in bps, funding interval in seconds). */
export interface ParamsChange {
  initialMarginBps?: number;
  maintenanceMarginBps?: number;
  maxLeverage?: number;
  makerFeePips?: number;
  takerFeePips?: number;
  /** quote base units */
  minNotional?: bigint;
  fundingIntervalSec?: number;
  fundingCapPips?: number;
  liquidationFeePips?: number;
  markBandBps?: number;
}

/** The change as the engine's updateMarket params (only the fields given). */
export function toEngineParams(change: ParamsChange): MarketParamsUpdate {
  const out: MarketParamsUpdate = {};
  const big = (v: number | undefined) => (v === undefined ? undefined : BigInt(v));
  if (change.makerFeePips !== undefined) out.makerFeePips = big(change.makerFeePips);
  if (change.takerFeePips !== undefined) out.takerFeePips = big(change.takerFeePips);
  if (change.minNotional !== undefined) out.minNotionalQuote = change.minNotional;
  if (change.maxLeverage !== undefined) out.maxLeverage = big(change.maxLeverage);
  if (change.initialMarginBps !== undefined) out.initialMarginBps = big(change.initialMarginBps);
  if (change.maintenanceMarginBps !== undefined) out.maintenanceMarginBps = big(change.maintenanceMarginBps);
  if (change.liquidationFeePips !== undefined) out.liquidationFeePips = big(change.liquidationFeePips);
  if (change.fundingIntervalSec !== undefined) out.fundingIntervalMs = change.fundingIntervalSec * 1000;
  if (change.fundingCapPips !== undefined) out.fundingCapPips = big(change.fundingCapPips);
  if (change.markBandBps !== undefined) out.markBandBps = big(change.markBandBps);
  return out;
}

/** What a change does, read from the events of the updateMarket command (the preview's and the real one's alike). */
export interface ParamsEffects {
  /** parameters that differ, engine units (fees pips, margins bps, interval ms, amounts quote base units) */
  changes: { field: string; before: bigint; after: bigint }[];
  /** accounts the liquidation check liquidated, with equity and maintenance margin when it started */
  liquidations: { account: string; asset: string; equity: bigint; maintenance: bigint; equityAfter: bigint | null }[];
  /** spot: resting buy orders cancelled because their owner could not cover the higher fee lock */
  ordersCancelled: { orderId: number; account: string; market: string }[];
  events: number;
}

export function effectsOf(events: readonly EngineEvent[]): ParamsEffects {
  const changes: ParamsEffects["changes"] = [];
  const liquidations: ParamsEffects["liquidations"] = [];
  const ordersCancelled: ParamsEffects["ordersCancelled"] = [];
  let liquidating = false;
  for (const e of events) {
    if (e.type === "marketUpdated") {
      for (const k of Object.keys(e.after) as (keyof UpdatableMarketParams)[]) {
        if (e.before[k] !== e.after[k])
          changes.push({ field: k, before: BigInt(e.before[k]), after: BigInt(e.after[k]) });
      }
    } else if (e.type === "liquidationStarted") {
      liquidating = true;
      liquidations.push({
        account: e.account,
        asset: e.asset,
        equity: e.equityQuote,
        maintenance: e.maintenanceQuote,
        equityAfter: null,
      });
    } else if (e.type === "liquidationFinished") {
      liquidating = false;
      const l = liquidations.findLast((x) => x.account === e.account && x.asset === e.asset);
      if (l !== undefined) l.equityAfter = e.equityQuote;
    } else if (e.type === "orderDone" && e.reason === "cancelled" && !liquidating) {
      ordersCancelled.push({ orderId: e.orderId, account: e.account, market: e.market });
    }
  }
  return { changes, liquidations, ordersCancelled, events: events.length };
}

export interface ParamsPreview extends ParamsEffects {
  market: string;
  valid: boolean;
  /** the engine's refusal (code and message) when the change is invalid */
  invalidCode: string | null;
  invalidReason: string | null;
  positions: {
    account: string;
    size: bigint;
    notional: bigint;
    equity: bigint;
    maintenanceNow: bigint;
    maintenanceAfter: bigint;
    initialNow: bigint;
    initialAfter: bigint;
    /** after the change: liquidated by it / can no longer open more / unaffected */
    outcome: "liquidated" | "belowInitial" | "ok";
  }[];
  restingOrders: number;
  /** resting orders whose notional is under the new minimum (they stay; new orders must meet it) */
  ordersBelowMinNotional: number;
}

/**
 * What a parameter change would do, computed by running the SAME updateMarket command on a copy
 * of the engine (Exchange.restore(snapshot)): the liquidations and cancellations it names are the
 * ones the real change causes on the same state (the live engine may move between preview and
 * apply; the apply answer reports what actually happened). Changes nothing.
 */
export function previewParams(rt: EngineRuntime, symbol: string, change: ParamsChange): ParamsPreview {
  const m = rt.market(symbol);
  if (m === null) throw new ClearlineError("MARKET_NOT_FOUND", `no market ${symbol}`, { market: symbol });
  const { copy, snap } = rt.read((ex) => {
    const s = ex.snapshot();
    return { snap: s, copy: Exchange.restore(structuredClone(s)) };
  });
  const events = copy.apply({ type: "updateMarket", market: symbol, params: toEngineParams(change) });
  const rejected = events.find((e) => e.type === "rejected");
  const effects = effectsOf(events);
  const liquidated = new Map(effects.liquidations.map((l) => [l.account, l]));
  const params = snap.markets.find((x) => x.params.symbol === symbol)?.params;
  const nextMin =
    rejected === undefined
      ? (copy.snapshot().markets.find((x) => x.params.symbol === symbol)?.params.minNotionalQuote ?? m.minNotional)
      : m.minNotional;
  const mark = rt.read((ex) => ex.prices(symbol).markPerLot) ?? 0n;
  const positions: ParamsPreview["positions"] = [];
  if (m.kind === "PERP" && params !== undefined) {
    for (const a of snap.accounts) {
      const leg = a.legs.find((l) => l.market === symbol && l.lots !== 0n);
      if (leg === undefined) continue;
      const now = rt.read((ex) => ex.risk(a.id, m.quote.symbol));
      const after = copy.risk(a.id, m.quote.symbol);
      const liq = liquidated.get(a.id);
      positions.push({
        account: a.id,
        size: leg.lots * m.lotSize,
        notional: (leg.lots < 0n ? -leg.lots : leg.lots) * mark,
        equity: now.equityQuote,
        maintenanceNow: now.maintenanceMarginQuote,
        // a liquidated account's requirement when the check found it below (its position is closed after)
        maintenanceAfter: liq?.maintenance ?? after.maintenanceMarginQuote,
        initialNow: now.initialMarginQuote,
        initialAfter: after.initialMarginQuote,
        outcome:
          liq !== undefined ? "liquidated" : after.equityQuote < after.initialMarginQuote ? "belowInitial" : "ok",
      });
    }
  }
  const rank = { liquidated: 0, belowInitial: 1, ok: 2 } as const;
  const orders = snap.orders.filter((o) => o.market === symbol);
  return {
    market: symbol,
    valid: rejected === undefined,
    invalidCode: rejected?.type === "rejected" ? rejected.code : null,
    invalidReason: rejected?.type === "rejected" ? rejected.message : null,
    ...effects,
    positions: positions.sort((x, y) => rank[x.outcome] - rank[y.outcome]),
    restingOrders: orders.length,
    ordersBelowMinNotional: orders.filter((o) => !o.reduceOnly && o.pricePerLot * o.lots < nextMin).length,
  };
}

export interface ParamsApplied extends ParamsEffects {
  market: string;
  seq: bigint;
  auditId: bigint;
}

/**
 * Apply a parameter change: the engine's journaled updateMarket command (refusals throw their
 * engine code, e.g. MARKET_CONFIG_INVALID naming the field), then the Market row and the audit
 * record (before/after, reason, journal seq, liquidations) in one transaction. Returns what
 * happened: the liquidations and cancellations the command caused.
 */
export async function updateMarketParams(
  rt: EngineRuntime,
  actor: string,
  symbol: string,
  change: ParamsChange,
  reason: string,
): Promise<ParamsApplied> {
  if (rt.market(symbol) === null)
    throw new ClearlineError("MARKET_NOT_FOUND", `no market ${symbol}`, { market: symbol });
  let auditId = 0n;
  const done = await rt.updateMarketParams(symbol, toEngineParams(change), {
    meta: { source: "admin", actor, reason },
    persist: async (c, writeRow) => {
      const effects = effectsOf(c.entry.events);
      ({ auditId } = await audited(rt.db, { actor, action: "market.updateParams", target: symbol }, async (tx) => {
        await writeRow(tx);
        return {
          before: c.before,
          after: {
            ...c.after,
            reason,
            seq: c.entry.seq,
            liquidated: effects.liquidations.map((l) => l.account),
            ordersCancelled: effects.ordersCancelled.map((o) => o.orderId),
          },
          result: null,
        };
      }));
    },
  });
  return { market: symbol, seq: done.entry.seq, auditId, ...effectsOf(done.entry.events) };
}
