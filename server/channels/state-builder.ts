/** Builds and signs a channel's next state from the engine's current view of its trader (equity per token, positions, fees). */
import { keccak256, stringToHex, type Address, type Hex } from "viem";
import {
  assertConserves,
  bytesToHex,
  hashTraderAppData,
  type ChannelState,
  type FeeTotal,
  type Intent,
  type PositionSummary,
  type TraderAppData,
} from "../../core/channel";
import type { Exchange } from "../../core/engine";
import type { ChannelContext, ChannelRow } from "./context";
import type { FundingEntry, StoredState } from "./repository";

const E8 = 100_000_000n;

/** A signed state not stored yet, and whether the trader's equity exceeded the funding in some token. */
export interface BuiltState {
  stored: Omit<StoredState, "createdAt" | "trader">;
  overFunding: boolean;
}

/**
 * The next state of `channel` from the engine's current view of its trader: per token the
 * trader's equity as if every position closed at the mark (floored at zero, capped at the
 * funding), the exchange the rest.
 */
export function buildState(
  ctx: ChannelContext,
  channel: Pick<ChannelRow, "id" | "trader" | "latestVersion">,
  funding: readonly FundingEntry[],
  previousAppData: TraderAppData,
  batchFees: Map<string, bigint> | undefined,
  journalSeq: bigint,
  intent: Intent,
): BuiltState {
  const { deps } = ctx;
  const account = channel.trader;
  let overFunding = false;
  const { allocations, positions } = deps.engine.read((ex) => {
    const allocations = funding.map((f) => {
      const equity = traderEquity(ex, account, ctx.asset(f.token).symbol);
      if (equity > f.total) overFunding = true;
      const traderAmount = equity > f.total ? f.total : equity;
      return { token: f.token, traderAmount, exchangeAmount: f.total - traderAmount };
    });
    return { allocations, positions: positionsOf(ctx, ex, account) };
  });
  const feeTotals = new Map<string, bigint>();
  for (const f of previousAppData.fees) feeTotals.set(f.token.toLowerCase(), f.paid);
  if (batchFees) {
    for (const [symbol, amount] of batchFees) {
      const asset = ctx.assetOfSymbol(symbol);
      if (!asset) continue;
      const key = asset.token.toLowerCase();
      const total = (feeTotals.get(key) ?? 0n) + amount;
      feeTotals.set(key, total > 0n ? total : 0n); // rebates can bring a total down, never below zero
    }
  }
  const appFees: FeeTotal[] = [...feeTotals]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([token, paid]) => ({ token: token as Address, paid }));
  const appData: TraderAppData = {
    journalSeq: journalSeq > previousAppData.journalSeq ? journalSeq : previousAppData.journalSeq,
    markTime: BigInt(Math.floor(ctx.clock() / 1000)),
    fees: appFees,
    positions,
  };
  const state: ChannelState = {
    channelId: channel.id as Hex,
    version: channel.latestVersion + 1n,
    intent,
    allocations,
    appDataHash: hashTraderAppData(appData),
  };
  assertConserves(state, funding);
  const { signature, digest } = deps.signer.sign(deps.domain, state);
  return {
    stored: { state, appData, stateHash: bytesToHex(digest), exchangeSignature: signature, traderSignature: null },
    overFunding,
  };
}

/** Equity in one asset: available + locked in orders + positions at mark (settlement assets), floored at zero. */
export function traderEquity(ex: Exchange, account: string, asset: string): bigint {
  const equity = ex.risk(account, asset).equityQuote + ex.balance(account, asset).locked;
  return equity > 0n ? equity : 0n;
}

/** The trader's open perpetual positions as the app data summarises them. */
function positionsOf(ctx: ChannelContext, ex: Exchange, account: string): PositionSummary[] {
  const out: PositionSummary[] = [];
  for (const m of ctx.deps.markets) {
    if (m.kind !== "perp") continue;
    const p = ex.position(account, m.symbol);
    if (p.sizeBase === 0n) continue;
    const collateral = ctx.assetOfSymbol(m.quote);
    if (!collateral) continue;
    const markPerLot = ex.prices(m.symbol).markPerLot ?? 0n;
    const lots = p.sizeBase / m.lotSizeBase;
    const baseUnit = 10n ** BigInt(m.baseDecimals);
    const quoteUnit = 10n ** BigInt(m.quoteDecimals);
    const abs = p.sizeBase < 0n ? -p.sizeBase : p.sizeBase;
    const entryAbs = p.entryQuote < 0n ? -p.entryQuote : p.entryQuote;
    out.push({
      market: keccak256(stringToHex(m.symbol)),
      sizeE8: (p.sizeBase * E8) / baseUnit, // truncated toward zero: display only
      entryPriceE8: (entryAbs * baseUnit * E8) / (abs * quoteUnit),
      markPriceE8: (markPerLot * baseUnit * E8) / (m.lotSizeBase * quoteUnit),
      collateral: collateral.token,
      unrealizedPnl: lots * markPerLot - p.entryQuote,
    });
  }
  return out;
}
