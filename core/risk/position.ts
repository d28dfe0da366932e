import { abs, mulDivDown, mulDivUp } from "../money/math";

/** The parts of a perpetual position this module changes. */
export interface PositionState {
  lots: bigint;
  entryQuote: bigint;
  realizedPnlQuote: bigint;
}

/**
 * Apply a trade of `deltaLots` (positive = bought) at `pricePerLot` to a net position, with
 * average-cost entry. Returns the PnL realized by the closing part. The entry removed on a
 * partial close rounds so the remaining unrealized PnL is never overstated (long: the entry
 * removed rounds down; short: up). Realized PnL is bookkeeping: the cash moved at the fill.
 */
export function applyTrade(p: PositionState, deltaLots: bigint, pricePerLot: bigint): bigint {
  const before = p.lots;
  if (before === 0n || before > 0n === deltaLots > 0n) {
    p.lots = before + deltaLots;
    p.entryQuote += deltaLots * pricePerLot;
    return 0n;
  }
  const size = abs(before);
  const traded = abs(deltaLots);
  const closing = traded < size ? traded : size;
  let realized: bigint;
  if (closing === size) {
    realized = before * pricePerLot - p.entryQuote;
    const opening = deltaLots + before; // signed remainder beyond the close
    p.lots = opening;
    p.entryQuote = opening * pricePerLot;
  } else {
    const removed = before > 0n ? mulDivDown(p.entryQuote, closing, size) : -mulDivUp(-p.entryQuote, closing, size);
    const closedSigned = before > 0n ? closing : -closing;
    realized = closedSigned * pricePerLot - removed;
    p.lots = before + deltaLots;
    p.entryQuote -= removed;
  }
  p.realizedPnlQuote += realized;
  return realized;
}

/** Unrealized PnL at `markPerLot`: lots * mark - entry. */
export function unrealizedPnl(p: { lots: bigint; entryQuote: bigint }, markPerLot: bigint): bigint {
  return p.lots * markPerLot - p.entryQuote;
}
