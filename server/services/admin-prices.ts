/**
 * Ops console, prices: the mark-price source of each market, its history from the journal's
 * markPrice events, and the admin override (journaled as a markPrice command with
 * meta { source: "admin", reason }, then audited with the journal seq it got).
 */
import { parseUnits } from "viem";
import type { EngineEvent } from "../../core/engine";
import { ClearlineError } from "../../core/errors";
import type { Db } from "../db";
import { decode } from "../engine/codec";
import { marketSubject } from "../engine/journal-index";
import { entriesOf } from "../engine/journal-read";
import { priceFromPerLotDown } from "../engine/market-config";
import type { EngineRuntime } from "../engine/runtime";
import { audited } from "./audit";
import type { MarketView } from "./markets";

/** "2400" / "2400.5" in whole quote units → quote base units (exact: more fraction digits than the asset has is refused). */
export function parseWholePrice(text: string, quoteDecimals: number): bigint {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (m === null)
    throw new ClearlineError("INVALID_INPUT", `price "${text}" is not a decimal number like 2400 or 2400.50`, {
      price: text,
    });
  if ((m[2]?.length ?? 0) > quoteDecimals)
    throw new ClearlineError("INVALID_INPUT", `price "${text}" has more than ${quoteDecimals} decimals`, {
      price: text,
      decimals: quoteDecimals,
    });
  const value = parseUnits(text.trim(), quoteDecimals);
  if (value <= 0n) throw new ClearlineError("PRICE_NOT_POSITIVE", "the price must be positive", { price: text });
  return value;
}

function marketOf(rt: EngineRuntime, symbol: string): MarketView {
  const m = rt.market(symbol);
  if (m === null) throw new ClearlineError("MARKET_NOT_FOUND", `no market ${symbol}`, { market: symbol });
  return m;
}

export interface MarketPrices {
  market: string;
  kind: "SPOT" | "PERP";
  quoteDecimals: number;
  /** per whole base token, quote base units; null until known */
  index: bigint | null;
  mark: bigint | null;
  last: bigint | null;
}

function currentPrices(rt: EngineRuntime, m: MarketView): MarketPrices {
  const p = rt.read((ex) => ex.prices(m.symbol));
  const whole = (v: bigint | null) => (v === null ? null : priceFromPerLotDown(m, v));
  return {
    market: m.symbol,
    kind: m.kind,
    quoteDecimals: m.quote.decimals,
    index: whole(p.indexPerLot),
    mark: whole(p.markPerLot),
    last: whole(p.lastPerLot),
  };
}

export interface PriceSourceView extends MarketPrices {
  /** where index prices come from */
  source: "simulated" | "external" | "none";
  description: string;
  /** the last markPrice journal entry: its seq, time and origin ("feed", "admin") */
  lastUpdate: { seq: bigint; timeMs: bigint; origin: string; reason: string | null } | null;
}

/** Every market's current prices and where its index comes from. */
export async function priceSources(
  rt: EngineRuntime,
  db: Db,
  feed: { kind: "simulated" | "off"; intervalMs: number },
): Promise<PriceSourceView[]> {
  const out: PriceSourceView[] = [];
  for (const m of rt.markets()) {
    const [last] = await entriesOf(db, marketSubject(m.symbol), { types: ["markPrice"], limit: 1 });
    let lastUpdate: PriceSourceView["lastUpdate"] = null;
    if (last !== undefined) {
      const meta = last.meta ? decode<{ source?: string; reason?: string }>(last.meta) : null;
      lastUpdate = {
        seq: last.seq,
        timeMs: last.timeMs,
        origin: meta?.source ?? "engine",
        reason: meta?.reason ?? null,
      };
    }
    const simulated = feed.kind === "simulated" && m.kind === "PERP";
    out.push({
      ...currentPrices(rt, m),
      source: simulated ? "simulated" : m.kind === "PERP" ? "external" : "none",
      description: simulated
        ? `simulated random walk (MARK_FEED=simulated, every ${feed.intervalMs} ms)`
        : m.kind === "PERP"
          ? "index pushed by the configured MarkPriceSource (none configured: admin overrides only)"
          : "spot: no index; the mark is set only by an admin override",
      lastUpdate,
    });
  }
  return out;
}

export interface PricePoint {
  seq: bigint;
  timeMs: bigint;
  index: bigint;
  mark: bigint;
  origin: string;
}

/** The market's markPrice events, oldest first, at most `limit` of the newest. */
export async function priceHistory(
  rt: EngineRuntime,
  db: Db,
  symbol: string,
  limit: number,
  sinceMs?: bigint,
): Promise<PricePoint[]> {
  const m = marketOf(rt, symbol);
  // a markPrice entry holds one markPrice event of its market, so `limit` entries hold `limit` points
  const entries = await entriesOf(db, marketSubject(symbol), { types: ["markPrice"], sinceMs, limit });
  const points: PricePoint[] = [];
  for (const en of entries.reverse()) {
    const origin = en.meta ? (decode<{ source?: string }>(en.meta).source ?? "engine") : "engine";
    for (const e of en.events) {
      if (e.type !== "markPrice" || e.market !== symbol) continue;
      points.push({
        seq: en.seq,
        timeMs: en.timeMs,
        index: priceFromPerLotDown(m, e.indexPerLot),
        mark: priceFromPerLotDown(m, e.markPerLot),
        origin,
      });
    }
  }
  return points.slice(-limit);
}

export interface OverrideResult {
  market: string;
  seq: bigint;
  /** per whole base token */
  index: bigint;
  mark: bigint;
  /** accounts the engine started liquidating because of this price */
  liquidations: string[];
  auditId: bigint;
}

/**
 * Set a market's index price by hand (`price`: a decimal string in whole quote units per whole
 * base token, e.g. "2400.5"). The engine derives the bounded mark, fires triggers and liquidates;
 * the audit record carries the reason, before/after prices and the journal seq.
 */
export async function overrideMarkPrice(
  rt: EngineRuntime,
  actor: string,
  input: { market: string; price: string; reason: string },
): Promise<OverrideResult> {
  const m = marketOf(rt, input.market);
  const price = parseWholePrice(input.price, m.quote.decimals);
  const reason = input.reason.trim();
  if (reason.length < 3)
    throw new ClearlineError("INVALID_INPUT", "say why the price is overridden (at least 3 characters)", {});
  const before = currentPrices(rt, m);
  const entry = await rt.overrideMarkPrice(m.symbol, price, reason);
  const rejected = entry.events.find((e) => e.type === "rejected");
  if (rejected?.type === "rejected")
    throw new ClearlineError("PRECONDITION_FAILED", `the engine refused the price: ${rejected.message}`, {
      market: m.symbol,
    });
  const mp = entry.events.find((e): e is Extract<EngineEvent, { type: "markPrice" }> => e.type === "markPrice");
  const liquidations = entry.events
    .filter((e) => e.type === "liquidationStarted")
    .map((e) => (e as Extract<EngineEvent, { type: "liquidationStarted" }>).account);
  const after = {
    index: mp ? priceFromPerLotDown(m, mp.indexPerLot) : price,
    mark: mp ? priceFromPerLotDown(m, mp.markPerLot) : null,
    requested: price,
    seq: entry.seq,
    reason,
    liquidations,
  };
  const { auditId } = await audited(rt.db, { actor, action: "price.override", target: m.symbol }, async () => ({
    before: { index: before.index, mark: before.mark },
    after,
    result: null,
  }));
  return {
    market: m.symbol,
    seq: entry.seq,
    index: after.index,
    mark: after.mark ?? after.index,
    liquidations,
    auditId,
  };
}
