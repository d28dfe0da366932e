/** The Market table as the engine reads and writes it: every row as a MarketView, and a catalogue change as row columns. */
import type { MarketView } from "../../core/market/view";
import type { Db } from "../db";
import { bigintToDecimal, decimalToBigint } from "../db/decimal";
import type { MarketCatalogueParams } from "./market-config";

/** Every market in the Market table, spot first, by symbol; parameters in integer base units, as bigint. */
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

/** The Market row's data for a catalogue change (minNotional as the column's decimal). */
export function catalogueRow(c: MarketCatalogueParams) {
  return { ...c, minNotional: bigintToDecimal(c.minNotional) };
}
