/**
 * The Market table's units → the engine's, in one place.
 *
 * The database (and every trader-facing API) prices in quote-asset base units per ONE WHOLE
 * base token: ETH at 3000 USDC = 3_000_000_000, tick 0.01 USDC = 10_000. The engine prices in
 * quote-asset base units PER LOT (docs/ENGINE.md), so a fill's notional is lots * price, exact:
 *
 *   pricePerLot = pricePerWhole * lotSizeBase / 10^baseDecimals
 *
 * A market is valid only if its tick converts exactly (tickPerWhole * lot divisible by
 * 10^decimals); then every price on the tick grid converts exactly both ways.
 */
import { ClearlineError } from "../../core/errors";
import type { UpdatableMarketParams } from "../../core/engine";
import type { MarketConfig } from "../../core/market/config";
import type { MarketView } from "../../core/market/view";

/** Defaults for perpetual parameters the Market table does not carry (yet). */
export const PERP_DEFAULTS = {
  /** 0.5% of liquidated notional to the insurance fund */
  liquidationFeePips: 5_000n,
  /** the mark stays within 5% of the index */
  markBandBps: 500n,
  triggerSource: "mark",
} as const;

/** The scale between per-whole and per-lot prices: 10^baseDecimals / lotSizeBase as a fraction. */
interface Scale {
  lotSizeBase: bigint;
  oneBase: bigint;
}

function scaleOf(m: Pick<MarketView, "lotSize" | "base">): Scale {
  return { lotSizeBase: m.lotSize, oneBase: 10n ** BigInt(m.base.decimals) };
}

/** Per-whole-token price → per-lot price; throws PRICE_NOT_ON_TICK when it does not convert exactly. */
export function priceToPerLot(
  m: Pick<MarketView, "symbol" | "lotSize" | "base" | "tickSize">,
  pricePerWhole: bigint,
): bigint {
  const s = scaleOf(m);
  const scaled = pricePerWhole * s.lotSizeBase;
  if (pricePerWhole % m.tickSize !== 0n || scaled % s.oneBase !== 0n)
    throw new ClearlineError(
      "PRICE_NOT_ON_TICK",
      `price ${pricePerWhole} of ${m.symbol} is not a multiple of the tick ${m.tickSize}`,
      { market: m.symbol, price: pricePerWhole, tick: m.tickSize },
    );
  return scaled / s.oneBase;
}

/** Per-lot price → per-whole-token price, rounded down (exact for prices on the tick grid; marks may be off-grid). */
export function priceFromPerLotDown(m: Pick<MarketView, "lotSize" | "base">, pricePerLot: bigint): bigint {
  const s = scaleOf(m);
  const n = pricePerLot * s.oneBase;
  const q = n / s.lotSizeBase;
  return n < 0n && q * s.lotSizeBase !== n ? q - 1n : q;
}

/** The Market table's row → the engine's MarketConfig (throws MARKET_CONFIG_INVALID when the tick does not convert exactly). */
export function toEngineMarketConfig(m: MarketView): MarketConfig {
  const s = scaleOf(m);
  if (m.lotSize <= 0n || m.tickSize <= 0n || (m.tickSize * s.lotSizeBase) % s.oneBase !== 0n)
    throw new ClearlineError(
      "MARKET_CONFIG_INVALID",
      `market ${m.symbol}: tick ${m.tickSize} per whole ${m.base.symbol} times lot ${m.lotSize} is not a whole number of ${m.quote.symbol} base units per lot`,
      { market: m.symbol, tick: m.tickSize, lot: m.lotSize, baseDecimals: m.base.decimals },
    );
  const common = {
    symbol: m.symbol,
    base: { symbol: m.base.symbol, decimals: m.base.decimals },
    quote: { symbol: m.quote.symbol, decimals: m.quote.decimals },
    tickSizeQuote: (m.tickSize * s.lotSizeBase) / s.oneBase,
    lotSizeBase: m.lotSize,
    minNotionalQuote: m.minNotional,
    makerFeePips: BigInt(m.makerFeePips),
    takerFeePips: BigInt(m.takerFeePips),
  };
  if (m.kind === "SPOT") return { ...common, kind: "spot" };
  if (m.fundingIntervalSec === null || m.fundingCapPips === null)
    throw new ClearlineError(
      "MARKET_CONFIG_INVALID",
      `market ${m.symbol}: a perpetual needs fundingIntervalSec and fundingCapPips`,
      { market: m.symbol },
    );
  return {
    ...common,
    kind: "perp",
    maxLeverage: BigInt(m.maxLeverage),
    initialMarginBps: BigInt(m.initialMarginBps),
    maintenanceMarginBps: BigInt(m.maintenanceMarginBps),
    liquidationFeePips: PERP_DEFAULTS.liquidationFeePips,
    fundingIntervalMs: m.fundingIntervalSec * 1000,
    fundingCapPips: BigInt(m.fundingCapPips),
    markBandBps: PERP_DEFAULTS.markBandBps,
    triggerSource: PERP_DEFAULTS.triggerSource,
  };
}

/** The Market table's columns that updateMarket can change. */
export interface MarketCatalogueParams {
  minNotional: bigint;
  maxLeverage: number;
  initialMarginBps: number;
  maintenanceMarginBps: number;
  makerFeePips: number;
  takerFeePips: number;
  fundingIntervalSec: number | null;
  fundingCapPips: number | null;
}

/**
 * The engine's parameters → the Market table's columns (the journal is the source of truth for
 * the engine; the row is the catalogue and follows it). The liquidation fee and mark band have no
 * columns: the engine (snapshot + journal) carries them, PERP_DEFAULTS only seed new markets.
 */
export function catalogueFromParams(kind: "SPOT" | "PERP", p: UpdatableMarketParams): MarketCatalogueParams {
  const perp = kind === "PERP";
  return {
    minNotional: p.minNotionalQuote,
    maxLeverage: perp ? Number(p.maxLeverage) : 1,
    initialMarginBps: perp ? Number(p.initialMarginBps) : 10_000,
    maintenanceMarginBps: perp ? Number(p.maintenanceMarginBps) : 10_000,
    makerFeePips: Number(p.makerFeePips),
    takerFeePips: Number(p.takerFeePips),
    fundingIntervalSec: perp ? Math.floor(p.fundingIntervalMs / 1000) : null,
    fundingCapPips: perp ? Number(p.fundingCapPips) : null,
  };
}

/** True when the row's catalogue columns equal these. */
export function catalogueEquals(view: MarketView, c: MarketCatalogueParams): boolean {
  return (Object.keys(c) as (keyof MarketCatalogueParams)[]).every((k) => view[k] === c[k]);
}
