/**
 * Demo markets (also used by tests, the bench and seeds). Prices are quote base units per lot:
 * WETH/USDC with a lot of 0.001 WETH prices 3000 USDC/WETH as 3_000_000 (3 USDC per lot).
 */
import type { MarketConfig } from "../market/config";

export const USDC = { symbol: "USDC", decimals: 6 } as const;
export const WETH = { symbol: "WETH", decimals: 18 } as const;
export const WBTC = { symbol: "WBTC", decimals: 8 } as const;

/** Spot WETH/USDC: lot 0.001 WETH, tick 0.01 USDC per WETH (10 units per lot), 1 USDC minimum. */
export const WETH_USDC: MarketConfig = {
  symbol: "WETH-USDC",
  kind: "spot",
  base: WETH,
  quote: USDC,
  tickSizeQuote: 10n,
  lotSizeBase: 10n ** 15n,
  minNotionalQuote: 1_000_000n,
  makerFeePips: 100n,
  takerFeePips: 500n,
};

/** Spot WBTC/USDC with a maker rebate: lot 0.0001 WBTC, tick 0.1 USDC per WBTC. */
export const WBTC_USDC: MarketConfig = {
  symbol: "WBTC-USDC",
  kind: "spot",
  base: WBTC,
  quote: USDC,
  tickSizeQuote: 10n,
  lotSizeBase: 10_000n,
  minNotionalQuote: 1_000_000n,
  makerFeePips: -50n,
  takerFeePips: 400n,
};

/** Spot WBTC/WETH: an 18-decimal quote asset. Lot 0.0001 WBTC, tick 1e-6 WETH per WBTC. */
export const WBTC_WETH: MarketConfig = {
  symbol: "WBTC-WETH",
  kind: "spot",
  base: WBTC,
  quote: WETH,
  tickSizeQuote: 10n ** 8n,
  lotSizeBase: 10_000n,
  minNotionalQuote: 10n ** 14n,
  makerFeePips: 100n,
  takerFeePips: 300n,
};

/** ETH perpetual settled in USDC: lot 0.001 ETH, 10x max, 10% / 5% margins, 8 h funding. */
export const ETH_PERP: MarketConfig = {
  symbol: "ETH-PERP",
  kind: "perp",
  base: { symbol: "ETH", decimals: 18 },
  quote: USDC,
  tickSizeQuote: 10n,
  lotSizeBase: 10n ** 15n,
  minNotionalQuote: 1_000_000n,
  makerFeePips: 200n,
  takerFeePips: 500n,
  maxLeverage: 10n,
  initialMarginBps: 1_000n,
  maintenanceMarginBps: 500n,
  liquidationFeePips: 5_000n,
  fundingIntervalMs: 8 * 3600 * 1000,
  fundingCapPips: 750n,
  markBandBps: 500n,
  triggerSource: "mark",
};

/** BTC perpetual settled in USDC, triggers on the last trade price. */
export const BTC_PERP: MarketConfig = {
  ...ETH_PERP,
  symbol: "BTC-PERP",
  base: { symbol: "BTC", decimals: 8 },
  lotSizeBase: 10_000n,
  maxLeverage: 20n,
  initialMarginBps: 500n,
  maintenanceMarginBps: 250n,
  triggerSource: "last",
};

export const DEMO_MARKETS: readonly MarketConfig[] = [WETH_USDC, WBTC_USDC, WBTC_WETH, ETH_PERP, BTC_PERP];
