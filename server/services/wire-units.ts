/**
 * Amounts on the wire: whole-token decimal strings with their symbol (`{ value: "0.5", symbol: "WETH" }`).
 * Services compute in integer base units; this is the one place an asset's decimals turn them into
 * what the browser and API clients read (docs/adr/0008-wire-contract.md).
 */
import { z } from "zod";
import type { AssetRef } from "../../core/market/config";
import type { MarketView } from "../../core/market/view";
import { fromBaseUnits } from "../../core/money";

/** Bounded: uint256 has 78 digits, so no wire amount needs more than 80 characters. */
export const tokenAmount = z.object({
  value: z
    .string()
    .max(80)
    .regex(/^-?\d+(\.\d+)?$/),
  symbol: z.string().max(16),
});
export type TokenAmount = z.infer<typeof tokenAmount>;

/** Base units of `asset` as a wire amount (exact: every base unit is a digit of the fraction). */
export function amountOf(units: bigint, asset: Pick<AssetRef, "symbol" | "decimals">): TokenAmount {
  return { value: decimalOf(units, asset), symbol: asset.symbol };
}

/** The bare decimal string, for compact arrays whose envelope names the symbol once (book levels, candles). */
export function decimalOf(units: bigint, asset: Pick<AssetRef, "decimals">): string {
  return fromBaseUnits(units, asset.decimals);
}

/** A size in the market's base asset. */
export const baseAmount = (m: Pick<MarketView, "base">, units: bigint) => amountOf(units, m.base);
/** An amount (or a price per whole base token) in the market's quote asset. */
export const quoteAmount = (m: Pick<MarketView, "quote">, units: bigint) => amountOf(units, m.quote);
