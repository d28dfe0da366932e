/** Reading markets for the app: parameters in integer base units, as bigint. */
import type { Db } from "../db";
import { decimalToBigint } from "../db/decimal";

export interface MarketView {
  symbol: string;
  kind: "SPOT" | "PERP";
  status: "ACTIVE" | "HALTED";
  base: { symbol: string; decimals: number };
  quote: { symbol: string; decimals: number };
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

export async function listMarkets(db: Db): Promise<MarketView[]> {
  const rows = await db.market.findMany({
    include: { base: true, quote: true },
    orderBy: [{ kind: "asc" }, { symbol: "asc" }],
  });
  return rows.map((m) => ({
    symbol: m.symbol,
    kind: m.kind,
    status: m.status,
    base: { symbol: m.base.symbol, decimals: m.base.decimals },
    quote: { symbol: m.quote.symbol, decimals: m.quote.decimals },
    tickSize: decimalToBigint(m.tickSize),
    lotSize: decimalToBigint(m.lotSize),
    minNotional: decimalToBigint(m.minNotional),
    maxLeverage: m.maxLeverage,
    initialMarginBps: m.initialMarginBps,
    maintenanceMarginBps: m.maintenanceMarginBps,
    makerFeePips: m.makerFeePips,
    takerFeePips: m.takerFeePips,
    fundingIntervalSec: m.fundingIntervalSec,
    fundingCapPips: m.fundingCapPips,
  }));
}
