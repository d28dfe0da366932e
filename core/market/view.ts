/** A market as the Market table (the catalogue) describes it: prices per whole base token, amounts in base units. */
import type { AssetRef } from "./config";

/**
 * The catalogue's units, not the engine's: `tickSize` and prices are quote-asset base units per
 * ONE WHOLE base token, `lotSize` and `minNotional` base units (server/engine/market-config.ts
 * converts to the engine's per-lot units).
 */
export interface MarketView {
  symbol: string;
  kind: "SPOT" | "PERP";
  status: "ACTIVE" | "HALTED";
  base: AssetRef;
  quote: AssetRef;
  tickSize: bigint;
  lotSize: bigint;
  minNotional: bigint;
  maxLeverage: number;
  initialMarginBps: number;
  maintenanceMarginBps: number;
  makerFeePips: number;
  takerFeePips: number;
  fundingIntervalSec: number | null;
  fundingCapPips: number | null;
}
