/**
 * Ops console, markets: list with status, open interest and resting orders; create (the Market
 * row + audit in one transaction, then the engine through runtime.syncMarkets()); halt and
 * resume (Market.status + audit in one transaction, then the runtime guard); a preview of what
 * a parameter change would do to the open positions.
 *
 * Changing the parameters of a LIVE market is not supported by the engine: MarketParams are
 * fixed when `addMarket` runs (fees are baked into resting buy orders' locks, margins into the
 * liquidation checks) and there is no engine command to change them. The preview shows the
 * effect; applying it needs a new engine command (see the report / docs).
 */
import { validateMarketConfig } from "../../core/market/config";
import { ClearlineError } from "../../core/errors";
import { BPS, divUp, mulDivUp } from "../../core/money/math";
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
}

export async function adminMarkets(rt: EngineRuntime, db: Db): Promise<AdminMarketRow[]> {
  const rows = await listMarkets(db);
  const snap = engineSnapshot(rt);
  const inEngine = new Set(snap.markets.map((m) => m.params.symbol));
  return rows.map((m) => {
    const p = rt.read((ex) => ex.prices(m.symbol));
    const whole = (v: bigint | null) => (v === null ? null : priceFromPerLotDown(m, v));
    let oiLots = 0n;
    for (const a of snap.accounts) for (const leg of a.legs) if (leg.market === m.symbol && leg.lots > 0n) oiLots += leg.lots;
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
export async function createMarket(rt: EngineRuntime, actor: string, input: CreateMarketInput): Promise<{ market: AdminMarketRow | null; auditId: bigint; addedToEngine: boolean }> {
  const db = rt.db;
  const [base, quote] = await Promise.all([db.asset.findUnique({ where: { symbol: input.baseAsset } }), db.asset.findUnique({ where: { symbol: input.quoteAsset } })]);
  if (base === null) throw new ClearlineError("INVALID_INPUT", `no asset ${input.baseAsset} (known assets come from the deployment)`, { asset: input.baseAsset });
  if (quote === null) throw new ClearlineError("INVALID_INPUT", `no asset ${input.quoteAsset} (known assets come from the deployment)`, { asset: input.quoteAsset });
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
    if (exists !== null) throw new ClearlineError("CONFLICT", `market ${input.symbol} exists`, { market: input.symbol });
    await tx.market.create({
      data: { ...row, tickSize: bigintToDecimal(row.tickSize), lotSize: bigintToDecimal(row.lotSize), minNotional: bigintToDecimal(row.minNotional) },
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
export async function setMarketHalted(rt: EngineRuntime, actor: string, symbol: string, halted: boolean, reason: string): Promise<{ market: string; status: "ACTIVE" | "HALTED"; restingOrders: number; auditId: bigint }> {
  if (rt.market(symbol) === null) throw new ClearlineError("MARKET_NOT_FOUND", `no market ${symbol}`, { market: symbol });
  const status = halted ? "HALTED" : "ACTIVE";
  const restingOrders = rt.read((ex) => ex.restingCount(symbol));
  const { auditId } = await audited(rt.db, { actor, action: halted ? "market.halt" : "market.resume", target: symbol }, async (tx) => {
    const row = await tx.market.findUnique({ where: { symbol }, select: { status: true } });
    if (row === null) throw new ClearlineError("MARKET_NOT_FOUND", `no market ${symbol}`, { market: symbol });
    if (row.status === status) throw new ClearlineError("CONFLICT", `market ${symbol} is already ${status.toLowerCase()}`, { market: symbol, status });
    await tx.market.update({ where: { symbol }, data: { status } });
    return { before: { status: row.status }, after: { status, reason, restingOrdersKept: restingOrders }, result: null };
  });
  // the database says HALTED first, so a restart halts it too (syncMarkets reads Market.status)
  rt.setMarketHalted(symbol, halted);
  return { market: symbol, status, restingOrders, auditId };
}

export interface ParamsChange {
  initialMarginBps?: number;
  maintenanceMarginBps?: number;
  maxLeverage?: number;
  makerFeePips?: number;
  takerFeePips?: number;
  minNotional?: bigint;
}

export interface ParamsPreview {
  market: string;
  valid: boolean;
  invalidReason: string | null;
  /** always false today: the engine has no command to change a live market's parameters */
  applicable: false;
  notApplicableBecause: string;
  positions: {
    account: string;
    size: bigint;
    notional: bigint;
    equity: bigint;
    maintenanceNow: bigint;
    maintenanceAfter: bigint;
    initialNow: bigint;
    initialAfter: bigint;
    /** after the change: liquidated at the next check / can no longer open more / unaffected */
    outcome: "liquidated" | "belowInitial" | "ok";
  }[];
  restingOrders: number;
  /** resting orders whose notional would be under the new minimum */
  ordersBelowMinNotional: number;
}

export const PARAMS_NOT_APPLICABLE =
  "The engine fixes a market's parameters when it is added (there is no command to change them): fees are baked into resting buy orders' locks and margins into every liquidation check, so changing them under a live book needs a new engine command that re-locks orders and re-checks margins. Until then: halt the market, create a new one with the new parameters, and move liquidity.";

/** What a parameter change would do to the market's open positions and resting orders (nothing is changed). */
export function previewParams(rt: EngineRuntime, symbol: string, change: ParamsChange): ParamsPreview {
  const m = rt.market(symbol);
  if (m === null) throw new ClearlineError("MARKET_NOT_FOUND", `no market ${symbol}`, { market: symbol });
  const next: MarketView = {
    ...m,
    initialMarginBps: change.initialMarginBps ?? m.initialMarginBps,
    maintenanceMarginBps: change.maintenanceMarginBps ?? m.maintenanceMarginBps,
    maxLeverage: change.maxLeverage ?? m.maxLeverage,
    makerFeePips: change.makerFeePips ?? m.makerFeePips,
    takerFeePips: change.takerFeePips ?? m.takerFeePips,
    minNotional: change.minNotional ?? m.minNotional,
  };
  let invalidReason: string | null = null;
  try {
    const v = validateMarketConfig(toEngineMarketConfig(next));
    if ("code" in v) invalidReason = v.message;
  } catch (e) {
    invalidReason = (e as Error).message;
  }
  const snap = engineSnapshot(rt);
  const mark = rt.read((ex) => ex.prices(symbol).markPerLot) ?? 0n;
  const positions: ParamsPreview["positions"] = [];
  if (m.kind === "PERP") {
    for (const a of snap.accounts) {
      const leg = a.legs.find((l) => l.market === symbol && l.lots !== 0n);
      if (leg === undefined) continue;
      const risk = rt.read((ex) => ex.risk(a.id, m.quote.symbol));
      const notional = (leg.lots < 0n ? -leg.lots : leg.lots) * mark;
      const mmOwn = (bps: number) => mulDivUp(notional, BigInt(bps), BPS);
      const imOwn = (bps: number) => divUp(notional * BigInt(bps), BPS);
      const maintenanceAfter = risk.maintenanceMarginQuote - mmOwn(m.maintenanceMarginBps) + mmOwn(next.maintenanceMarginBps);
      const initialAfter = risk.initialMarginQuote - imOwn(m.initialMarginBps) + imOwn(next.initialMarginBps);
      positions.push({
        account: a.id,
        size: leg.lots * m.lotSize,
        notional,
        equity: risk.equityQuote,
        maintenanceNow: risk.maintenanceMarginQuote,
        maintenanceAfter,
        initialNow: risk.initialMarginQuote,
        initialAfter,
        outcome: risk.equityQuote < maintenanceAfter ? "liquidated" : risk.equityQuote < initialAfter ? "belowInitial" : "ok",
      });
    }
  }
  const order = (o: { pricePerLot: bigint; lots: bigint }) => o.pricePerLot * o.lots;
  const orders = snap.orders.filter((o) => o.market === symbol);
  return {
    market: symbol,
    valid: invalidReason === null,
    invalidReason,
    applicable: false,
    notApplicableBecause: PARAMS_NOT_APPLICABLE,
    positions: positions.sort((x, y) => (x.outcome === y.outcome ? 0 : x.outcome === "liquidated" ? -1 : y.outcome === "liquidated" ? 1 : x.outcome === "belowInitial" ? -1 : 1)),
    restingOrders: orders.length,
    ordersBelowMinNotional: orders.filter((o) => order(o) < next.minNotional).length,
  };
}
