import { BPS } from "../money/math";
import { rejection, type Rejection } from "./rejection";

/** An asset as markets name it: symbol and number of decimals of its base unit. */
export interface AssetRef {
  symbol: string;
  decimals: number;
}

/**
 * A market as configured by an admin. Units: prices are quote-asset base units per lot
 * (one lot = `lotSizeBase` base-asset base units), so a fill's notional is lots * price,
 * exact. Rates are pips (1e-6) for fees and funding, bps (1e-4) for margins and bands.
 */
export interface MarketConfig {
  symbol: string;
  kind: "spot" | "perp";
  base: AssetRef;
  /** The quote asset; for a perpetual also its settlement (collateral) asset. */
  quote: AssetRef;
  /** Price increment, in quote base units per lot. */
  tickSizeQuote: bigint;
  /** Size increment, in base-asset base units. */
  lotSizeBase: bigint;
  /** Smallest order notional (lots * price), in quote base units; reduce-only orders are exempt. */
  minNotionalQuote: bigint;
  /** Maker fee in pips; negative is a rebate (its size may not exceed the taker fee). */
  makerFeePips: bigint;
  /** Taker fee in pips; must be positive so a taker fill is never free. */
  takerFeePips: bigint;
  /** Perpetuals: highest leverage; the initial margin is at least 1 / maxLeverage. */
  maxLeverage?: bigint;
  initialMarginBps?: bigint;
  maintenanceMarginBps?: bigint;
  /** Perpetuals: fee on liquidated notional, paid to the insurance fund. */
  liquidationFeePips?: bigint;
  /** Perpetuals: milliseconds between funding payments. */
  fundingIntervalMs?: number;
  /** Perpetuals: largest funding rate per interval, in pips. */
  fundingCapPips?: bigint;
  /** Perpetuals: how far the mark may stray from the index, in bps. */
  markBandBps?: bigint;
  /** Which price fires stops and TP/SL: the mark or the last trade. */
  triggerSource?: "mark" | "last";
}

/** A validated market config with every optional field filled in. */
export type MarketParams = Required<MarketConfig>;

const SPOT_DEFAULTS = {
  maxLeverage: 1n,
  initialMarginBps: BPS,
  maintenanceMarginBps: BPS,
  liquidationFeePips: 0n,
  fundingIntervalMs: 0,
  fundingCapPips: 0n,
  markBandBps: 0n,
  triggerSource: "last",
} as const;

/** Check a market config and fill in defaults; returns a rejection naming the first bad field. */
export function validateMarketConfig(c: MarketConfig): MarketParams | Rejection {
  const bad = (field: string, value: bigint | number | string, why: string) =>
    rejection("MARKET_CONFIG_INVALID", `market ${c.symbol}: ${field} ${why}`, { market: c.symbol, field, value });
  if (!/^[A-Za-z0-9._/-]{1,32}$/.test(c.symbol))
    return bad("symbol", c.symbol, "must be 1-32 letters, digits, . _ / -");
  if (c.kind !== "spot" && c.kind !== "perp") return bad("kind", String(c.kind), "must be spot or perp");
  for (const [field, asset] of [
    ["base", c.base],
    ["quote", c.quote],
  ] as const) {
    if (!Number.isInteger(asset.decimals) || asset.decimals < 0 || asset.decimals > 36)
      return bad(`${field}.decimals`, asset.decimals, "must be an integer 0..36");
    if (!/^[A-Za-z0-9.]{1,16}$/.test(asset.symbol))
      return bad(`${field}.symbol`, asset.symbol, "must be 1-16 letters or digits");
  }
  if (c.base.symbol === c.quote.symbol) return bad("base.symbol", c.base.symbol, "must differ from the quote asset");
  if (c.tickSizeQuote <= 0n) return bad("tickSizeQuote", c.tickSizeQuote, "must be positive");
  if (c.lotSizeBase <= 0n) return bad("lotSizeBase", c.lotSizeBase, "must be positive");
  if (c.minNotionalQuote < 0n) return bad("minNotionalQuote", c.minNotionalQuote, "must not be negative");
  if (c.takerFeePips <= 0n || c.takerFeePips > 100_000n)
    return bad("takerFeePips", c.takerFeePips, "must be in 1..100000");
  if (c.makerFeePips < -c.takerFeePips || c.makerFeePips > 100_000n)
    return bad("makerFeePips", c.makerFeePips, "must be in -takerFeePips..100000");
  if (c.kind === "spot") return { ...SPOT_DEFAULTS, ...c, triggerSource: c.triggerSource ?? "last" };

  const p = c as MarketParams;
  if (p.maxLeverage === undefined || p.maxLeverage < 1n || p.maxLeverage > 200n)
    return bad("maxLeverage", p.maxLeverage ?? "missing", "must be in 1..200");
  if (p.initialMarginBps === undefined || p.initialMarginBps * p.maxLeverage < BPS || p.initialMarginBps > BPS)
    return bad(
      "initialMarginBps",
      p.initialMarginBps ?? "missing",
      "must be at least 10000 / maxLeverage and at most 10000",
    );
  if (
    p.maintenanceMarginBps === undefined ||
    p.maintenanceMarginBps <= 0n ||
    p.maintenanceMarginBps >= p.initialMarginBps
  )
    return bad(
      "maintenanceMarginBps",
      p.maintenanceMarginBps ?? "missing",
      "must be positive and below initialMarginBps",
    );
  if (p.liquidationFeePips === undefined || p.liquidationFeePips < 0n || p.liquidationFeePips > 100_000n)
    return bad("liquidationFeePips", p.liquidationFeePips ?? "missing", "must be in 0..100000");
  if (p.fundingIntervalMs === undefined || !Number.isSafeInteger(p.fundingIntervalMs) || p.fundingIntervalMs <= 0)
    return bad("fundingIntervalMs", p.fundingIntervalMs ?? "missing", "must be a positive integer");
  if (p.fundingCapPips === undefined || p.fundingCapPips < 0n || p.fundingCapPips > 100_000n)
    return bad("fundingCapPips", p.fundingCapPips ?? "missing", "must be in 0..100000");
  if (p.markBandBps === undefined || p.markBandBps < 0n || p.markBandBps >= BPS)
    return bad("markBandBps", p.markBandBps ?? "missing", "must be in 0..9999");
  return { ...p, triggerSource: c.triggerSource ?? "mark" };
}
