/**
 * The trader's cross-margin summary, per settlement asset, from the engine's memory with core's
 * arithmetic (core/risk/account-summary.ts: what the trader may use rounds down, what is used and
 * the leverage round up), and what may be withdrawn of every asset. Wire amounts out (wire-units.ts).
 */
import { z } from "zod";
import { accountSummary, positionNotional } from "../../core/risk/account-summary";
import type { AssetRef } from "../../core/market/config";
import type { EngineRuntime } from "../engine/runtime";
import { amountOf, tokenAmount } from "./wire-units";

export const ACCOUNT_SUMMARY_VERSION = 1 as const;

export const accountSummarySchema = z.object({
  v: z.literal(ACCOUNT_SUMMARY_VERSION),
  /** one per settlement asset of the perpetual markets (cross margin is per settlement asset) */
  margin: z.array(
    z.object({
      asset: z.string(),
      accountValue: tokenAmount,
      unrealizedPnl: tokenAmount,
      marginUsed: tokenAmount,
      maintenanceMargin: tokenAmount,
      freeCollateral: tokenAmount,
      withdrawable: tokenAmount,
      /** position notional / account value in bps (10000 = 1×), rounded up; null without positive value */
      crossLeverageBps: z.bigint().nullable(),
    }),
  ),
  /** per asset: what a withdrawal may take now (never negative) */
  withdrawable: z.array(tokenAmount),
});
export type AccountSummaryDto = z.infer<typeof accountSummarySchema>;

/** The account's summary (a consistent read of the engine). */
export function summary(rt: EngineRuntime, account: string): AccountSummaryDto {
  const markets = rt.markets();
  const assets = new Map<string, AssetRef>();
  const settlement = new Map<string, AssetRef>();
  for (const m of markets) {
    assets.set(m.quote.symbol, m.quote);
    if (m.kind === "SPOT") assets.set(m.base.symbol, m.base);
    else settlement.set(m.quote.symbol, m.quote);
  }
  return rt.read((ex) => {
    const margin = [...settlement.values()]
      .sort((a, b) => a.symbol.localeCompare(b.symbol))
      .map((asset) => {
        const positions = markets
          .filter((m) => m.kind === "PERP" && m.quote.symbol === asset.symbol)
          .map((m) => ({
            lots: ex.position(account, m.symbol).sizeBase / m.lotSize,
            markPerLot: ex.prices(m.symbol).markPerLot,
          }));
        const s = accountSummary({
          ...ex.risk(account, asset.symbol),
          positionNotionalQuote: positionNotional(positions),
        });
        return {
          asset: asset.symbol,
          accountValue: amountOf(s.accountValueQuote, asset),
          unrealizedPnl: amountOf(s.unrealizedPnlQuote, asset),
          marginUsed: amountOf(s.marginUsedQuote, asset),
          maintenanceMargin: amountOf(s.maintenanceMarginQuote, asset),
          freeCollateral: amountOf(s.freeCollateralQuote, asset),
          withdrawable: amountOf(s.withdrawableQuote, asset),
          crossLeverageBps: s.crossLeverageBps,
        };
      });
    const withdrawable = [...assets.values()]
      .sort((a, b) => a.symbol.localeCompare(b.symbol))
      .map((asset) => {
        const units = settlement.has(asset.symbol)
          ? ex.risk(account, asset.symbol).withdrawableQuote
          : ex.balance(account, asset.symbol).available;
        return amountOf(units > 0n ? units : 0n, asset);
      });
    return { v: ACCOUNT_SUMMARY_VERSION, margin, withdrawable };
  });
}
