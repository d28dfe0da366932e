/**
 * Ops console, risk: accounts near or below maintenance margin (from the engine's memory),
 * liquidations with every step and auto-deleveraging (from the journal's read model), the
 * insurance fund per asset over time, open interest. Amounts in quote base units; prices per
 * whole base token.
 */
import { formatUnits } from "viem";
import { isReservedAccount, type EngineEvent } from "../../core/engine";
import type { EngineSnapshot } from "../../core/engine/snapshot";
import { BPS, divUp } from "../../core/money/math";
import type { Db } from "../db";
import { decode } from "../engine/codec";
import { EXCHANGE_SUBJECT, reservedSubject } from "../engine/journal-index";
import { entriesOf, eventsOf } from "../engine/journal-read";
import { priceFromPerLotDown } from "../engine/market-config";
import type { EngineRuntime } from "../engine/runtime";

export const INSURANCE_ACCOUNT = "@insurance";
export const FEE_ACCOUNT = "@fees";
export const EXCHANGE_ACCOUNT = "@exchange";

const reserved = (id: string) => id.startsWith("@");

export function engineSnapshot(rt: EngineRuntime): EngineSnapshot {
  return rt.read((ex) => ex.snapshot());
}

export interface AccountRiskRow {
  account: string;
  asset: string;
  decimals: number;
  equity: bigint;
  maintenanceMargin: bigint;
  initialMargin: bigint;
  unrealizedPnl: bigint;
  /** maintenance / equity in bps (>= 10000: liquidatable); null when equity <= 0 */
  marginRatioBps: bigint | null;
  status: "below" | "near" | "ok";
  positions: { market: string; size: bigint; mark: bigint | null }[];
}

/**
 * Every account with open perpetual positions, per settlement asset, riskiest first.
 * "below": equity under maintenance margin (the engine liquidates on the next price or trade);
 * "near": maintenance / equity at or above `nearBps` (default 8000 = 80 %).
 */
export function riskAccounts(
  rt: EngineRuntime,
  nearBps = 8_000n,
  snapshot: EngineSnapshot = engineSnapshot(rt),
): AccountRiskRow[] {
  const perps = new Map(
    rt
      .markets()
      .filter((m) => m.kind === "PERP")
      .map((m) => [m.symbol, m]),
  );
  const out: AccountRiskRow[] = [];
  for (const a of snapshot.accounts) {
    if (reserved(a.id)) continue;
    const byAsset = new Map<string, AccountRiskRow["positions"]>();
    for (const leg of a.legs) {
      const m = perps.get(leg.market);
      if (m === undefined || leg.lots === 0n) continue;
      const list = byAsset.get(m.quote.symbol) ?? [];
      const mark = rt.read((ex) => ex.prices(m.symbol).markPerLot);
      list.push({
        market: m.symbol,
        size: leg.lots * m.lotSize,
        mark: mark === null ? null : priceFromPerLotDown(m, mark),
      });
      byAsset.set(m.quote.symbol, list);
    }
    for (const [asset, positions] of byAsset) {
      const r = rt.read((ex) => ex.risk(a.id, asset));
      const decimals = [...perps.values()].find((m) => m.quote.symbol === asset)!.quote.decimals;
      const ratio = r.equityQuote > 0n ? divUp(r.maintenanceMarginQuote * BPS, r.equityQuote) : null;
      const status =
        r.equityQuote < r.maintenanceMarginQuote ? "below" : ratio !== null && ratio >= nearBps ? "near" : "ok";
      out.push({
        account: a.id,
        asset,
        decimals,
        equity: r.equityQuote,
        maintenanceMargin: r.maintenanceMarginQuote,
        initialMargin: r.initialMarginQuote,
        unrealizedPnl: r.unrealizedPnlQuote,
        marginRatioBps: ratio,
        status,
        positions,
      });
    }
  }
  const key = (r: AccountRiskRow) => (r.marginRatioBps === null ? 10n ** 30n : r.marginRatioBps);
  return out.sort((x, y) => (key(y) > key(x) ? 1 : key(y) < key(x) ? -1 : x.account.localeCompare(y.account)));
}

export interface OpenInterestRow {
  market: string;
  baseDecimals: number;
  quoteDecimals: number;
  /** total long size = total short size, base units */
  openInterest: bigint;
  /** at the mark, quote base units (null without a mark) */
  notional: bigint | null;
  accounts: number;
}

export function openInterest(rt: EngineRuntime, snapshot: EngineSnapshot = engineSnapshot(rt)): OpenInterestRow[] {
  return rt
    .markets()
    .filter((m) => m.kind === "PERP")
    .map((m) => {
      let longLots = 0n;
      let accounts = 0;
      for (const a of snapshot.accounts)
        for (const leg of a.legs) {
          if (leg.market !== m.symbol || leg.lots === 0n) continue;
          accounts++;
          if (leg.lots > 0n) longLots += leg.lots;
        }
      const mark = rt.read((ex) => ex.prices(m.symbol).markPerLot);
      return {
        market: m.symbol,
        baseDecimals: m.base.decimals,
        quoteDecimals: m.quote.decimals,
        openInterest: longLots * m.lotSize,
        notional: mark === null ? null : longLots * mark,
        accounts,
      };
    });
}

export interface LiquidationStep {
  idx: number;
  type: string;
  market: string | null;
  /** plain-language description of the step, amounts in base units with the asset */
  text: string;
}

export interface LiquidationView {
  seq: bigint;
  timeMs: bigint;
  account: string;
  asset: string;
  /** the asset's decimals (for display) */
  decimals: number;
  equityBefore: bigint;
  maintenanceMargin: bigint;
  equityAfter: bigint | null;
  /** what caused it: the command of the journal entry (markPrice, fundingTick, place, …) */
  cause: string;
  steps: LiquidationStep[];
  insuranceUsed: bigint;
  backstop: bigint;
  adl: number;
}

type Ev<T extends EngineEvent["type"]> = Extract<EngineEvent, { type: T }>;

function describeStep(rt: EngineRuntime, e: EngineEvent): string | null {
  // exact decimal text (viem's formatUnits), with the asset: "2 WETH", "2510.51 USDC"
  const m = "market" in e ? rt.market(e.market) : null;
  const size = (base: bigint) =>
    m === null ? `${base} base units` : `${formatUnits(base, m.base.decimals)} ${m.base.symbol}`;
  const price = (perLot: bigint) =>
    m === null
      ? `${perLot} per lot`
      : `${formatUnits(priceFromPerLotDown(m, perLot), m.quote.decimals)} ${m.quote.symbol}`;
  const money = (amount: bigint, asset: string) => {
    const d = rt.markets().find((x) => x.quote.symbol === asset)?.quote.decimals;
    return d === undefined ? `${amount} ${asset} base units` : `${formatUnits(amount, d)} ${asset}`;
  };
  switch (e.type) {
    case "orderDone":
      return e.reason === "liquidation"
        ? `order #${e.orderId} in ${e.market} ended (${size(e.remainingBase)} unfilled)`
        : null;
    case "triggerCancelled":
      return e.reason === "liquidation" ? `cancelled ${e.market} trigger #${e.orderId}` : null;
    case "orderAccepted":
      return e.origin === "liquidation"
        ? `closing order #${e.orderId}: ${e.side} ${size(e.sizeBase)} ${e.market}, IOC limited at the bankruptcy price ${e.pricePerLot === null ? "-" : price(e.pricePerLot)}`
        : null;
    case "fill":
      return e.liquidation
        ? `filled ${size(e.sizeBase)} ${e.market} at ${price(e.pricePerLot)} against ${e.maker}; liquidation fee ${money(e.takerFeeQuote, m?.quote.symbol ?? "")} to the insurance fund`
        : null;
    case "adl":
      return `auto-deleveraged ${size(e.sizeBase)} ${e.market} against ${e.counterparty} at ${price(e.pricePerLot)}`;
    case "insurance":
      return `insurance fund ${e.deltaQuote >= 0n ? "+" : ""}${money(e.deltaQuote, e.asset)} (${e.reason}), now ${money(e.balanceQuote, e.asset)}`;
    case "backstop":
      return `the exchange's backstop paid ${money(e.amountQuote, e.asset)}`;
    case "liquidationFinished":
      return `finished: equity ${money(e.equityQuote, e.asset)}`;
    default:
      return null;
  }
}

/** Liquidations newest first, each with every step the engine took (from the journal entry that caused it). */
export async function liquidations(
  rt: EngineRuntime,
  db: Db,
  opts: { limit: number; account?: string },
): Promise<LiquidationView[]> {
  // a liquidation lists every account it touched (ADL counterparties too): keep the starts of `account`
  const account = opts.account || null; // "" (an empty filter) lists every account's
  const entries = await entriesOf(db, account ?? EXCHANGE_SUBJECT, {
    types: ["liquidationStarted"],
    limit: opts.limit,
  });
  const starts = eventsOf(
    entries,
    (e) => e.type === "liquidationStarted" && (account === null || e.account === account),
  )
    .sort((a, b) => (a.seq === b.seq ? b.idx - a.idx : a.seq < b.seq ? 1 : -1))
    .slice(0, opts.limit);
  if (starts.length === 0) return [];
  const commands = await db.journalEntry.findMany({
    where: { seq: { in: [...new Set(starts.map((s) => s.seq))] } },
    select: { seq: true, command: true },
  });
  const causeOf = new Map(commands.map((e) => [e.seq, decode<{ type: string }>(e.command).type]));
  const bySeq = new Map(entries.map((en) => [en.seq, en]));
  const out: LiquidationView[] = [];
  for (const s of starts) {
    const all = bySeq.get(s.seq)!.events;
    const start = s.event as Ev<"liquidationStarted">;
    const steps: LiquidationStep[] = [];
    let finished: Ev<"liquidationFinished"> | null = null;
    let insuranceUsed = 0n;
    let backstop = 0n;
    let adl = 0;
    for (let idx = s.idx + 1; idx < all.length; idx++) {
      const e = all[idx]!;
      if (e.type === "liquidationStarted") break;
      const concerns =
        ("account" in e && e.account === start.account) ||
        (e.type === "fill" && e.liquidation && e.taker === start.account) ||
        e.type === "insurance" ||
        e.type === "backstop";
      if (!concerns) continue;
      const text = describeStep(rt, e);
      if (text === null) continue;
      steps.push({ idx, type: e.type, market: "market" in e ? e.market : null, text });
      if (e.type === "insurance" && e.reason === "bankruptcyCover") insuranceUsed += -e.deltaQuote;
      if (e.type === "backstop") backstop += e.amountQuote;
      if (e.type === "adl") adl++;
      if (e.type === "liquidationFinished" && e.account === start.account && e.asset === start.asset) {
        finished = e;
        break;
      }
    }
    out.push({
      seq: s.seq,
      timeMs: s.timeMs,
      account: start.account,
      asset: start.asset,
      decimals: rt.markets().find((m) => m.quote.symbol === start.asset)?.quote.decimals ?? 0,
      equityBefore: start.equityQuote,
      maintenanceMargin: start.maintenanceQuote,
      equityAfter: finished?.equityQuote ?? null,
      cause: causeOf.get(s.seq) ?? "unknown",
      steps,
      insuranceUsed,
      backstop,
      adl,
    });
  }
  return out;
}

export interface AdlView {
  seq: bigint;
  timeMs: bigint;
  market: string;
  account: string;
  counterparty: string;
  size: bigint;
  price: bigint;
}

export async function adlEvents(rt: EngineRuntime, db: Db, limit: number): Promise<AdlView[]> {
  const entries = await entriesOf(db, EXCHANGE_SUBJECT, { types: ["adl"], limit });
  const adl = eventsOf(entries, (e) => e.type === "adl").sort((a, b) =>
    a.seq === b.seq ? b.idx - a.idx : a.seq < b.seq ? 1 : -1,
  );
  return adl.slice(0, limit).map((r) => {
    const e = r.event as Ev<"adl">;
    const m = rt.market(e.market);
    return {
      seq: r.seq,
      timeMs: r.timeMs,
      market: e.market,
      account: e.account,
      counterparty: e.counterparty,
      size: e.sizeBase,
      price: m === null ? e.pricePerLot : priceFromPerLotDown(m, e.pricePerLot),
    };
  });
}

export interface BalanceSeries {
  asset: string;
  decimals: number;
  current: bigint;
  /** every change, oldest first (at most `limit` of the newest) */
  points: { seq: bigint; timeMs: bigint; balance: bigint; delta: bigint; reason: string }[];
}

function assetDecimals(rt: EngineRuntime): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of rt.markets()) {
    out.set(m.quote.symbol, m.quote.decimals);
    if (m.kind === "SPOT") out.set(m.base.symbol, m.base.decimals);
  }
  return out;
}

/** A reserved account's balance per asset over time, from its balance events (@insurance, @fees). */
export async function reservedBalanceSeries(
  rt: EngineRuntime,
  db: Db,
  account: string,
  limit: number,
): Promise<BalanceSeries[]> {
  if (!isReservedAccount(account)) throw new Error(`reservedBalanceSeries: ${account} is not a reserved account`);
  const decimals = assetDecimals(rt);
  const out: BalanceSeries[] = [];
  for (const [asset, d] of decimals) {
    const current = rt.read((ex) => ex.balance(account, asset).available);
    // indexed per asset: every entry listed holds at least one such change, so `limit` entries are enough
    const entries = await entriesOf(db, reservedSubject(account, asset), { types: ["balance"], limit });
    const points = eventsOf(
      entries.reverse(),
      (e) => e.type === "balance" && e.account === account && e.asset === asset,
    )
      .slice(-limit)
      .map((r) => {
        const e = r.event as Ev<"balance">;
        return { seq: r.seq, timeMs: r.timeMs, balance: e.available, delta: e.deltaAvailable, reason: e.reason };
      });
    if (points.length === 0 && current === 0n) continue;
    out.push({ asset, decimals: d, current, points });
  }
  return out;
}

export interface FeeBucket {
  market: string;
  asset: string;
  decimals: number;
  /** bucket start, ms */
  bucketMs: bigint;
  fees: bigint;
  fills: number;
}

/**
 * Net fees collected per market (in its quote asset) per time bucket, from the fills: maker fee
 * (negative = rebate) plus taker fee, except a liquidation's taker fee (it goes to the insurance fund).
 */
export async function feesByMarket(
  rt: EngineRuntime,
  db: Db,
  opts: { bucketSec: number; sinceMs: bigint },
): Promise<FeeBucket[]> {
  const bucket = BigInt(opts.bucketSec) * 1000n;
  const rows = await db.$queryRawUnsafe<{ market: string; bucket: string; fees: string; fills: number }[]>(
    `SELECT market, (("timeMs" / $1::bigint) * $1::bigint)::text AS bucket,
            sum("makerFeeQuote" + CASE WHEN liquidation THEN 0 ELSE "takerFeeQuote" END)::text AS fees, count(*)::int AS fills
       FROM "Trade" WHERE "timeMs" >= $2::bigint GROUP BY 1, 2`,
    bucket.toString(),
    opts.sinceMs.toString(),
  );
  const out: FeeBucket[] = [];
  for (const r of rows) {
    const m = rt.market(r.market);
    if (m === null) continue;
    out.push({
      market: r.market,
      asset: m.quote.symbol,
      decimals: m.quote.decimals,
      bucketMs: BigInt(r.bucket),
      fees: BigInt(r.fees),
      fills: Number(r.fills),
    });
  }
  return out.sort((a, b) =>
    a.bucketMs === b.bucketMs ? a.market.localeCompare(b.market) : a.bucketMs < b.bucketMs ? -1 : 1,
  );
}
