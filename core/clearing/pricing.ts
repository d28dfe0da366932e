/**
 * The prices the valuation reads: per asset, its decimals and risk factor (channel parameters)
 * joined with its latest mark (USD per whole token, 1e18 fixed point, and when it was taken).
 */
import type { Address } from "viem";
import { ClearlineError } from "../errors";
import { assertUint, clearingInputError } from "./errors";
import { assetKey, type AssetRef } from "./types";

/** 1e6 parts per million: risk factors are ppm of a value. */
export const PPM = 1_000_000n;
/** USD prices are fixed point with 18 decimals. */
export const USD_E18 = 10n ** 18n;

/** A mark: USD per whole token ×1e18 at a unix time in seconds; the app data's Mark. */
export interface Mark {
  chainId: bigint;
  token: Address;
  usdPriceE18: bigint;
  timestamp: bigint;
}

/** A channel's parameters for one asset: token decimals and its risk factor f in ppm (0..1e6). */
export interface AssetParams extends AssetRef {
  decimals: number;
  riskFactorPpm: bigint;
}

/** Everything needed to value one asset. */
export interface AssetPrice extends AssetParams {
  usdPriceE18: bigint;
  markTimestamp: bigint;
}

/** A lookup of priced assets; `get` throws when an asset has no parameters or no mark. */
export interface PricingTable {
  get(asset: AssetRef): AssetPrice;
  entries(): readonly AssetPrice[];
}

/** Joins asset parameters with marks; a mark without parameters is ignored, parameters without a mark fail on use. */
export function pricingTable(params: readonly AssetParams[], marks: readonly Mark[]): PricingTable {
  const markByKey = new Map<string, Mark>();
  for (const mark of marks) {
    const key = assetKey(mark);
    if (markByKey.has(key))
      throw clearingInputError("CLEARING_DUPLICATE_ENTRY", "two marks for one asset", { asset: key });
    assertUint(`mark ${key} usdPriceE18`, mark.usdPriceE18, 256);
    assertUint(`mark ${key} timestamp`, mark.timestamp, 64);
    markByKey.set(key, mark);
  }
  const priced = new Map<string, AssetPrice>();
  const unpriced = new Set<string>();
  for (const p of params) {
    const key = assetKey(p);
    if (priced.has(key) || unpriced.has(key))
      throw clearingInputError("CLEARING_DUPLICATE_ENTRY", "two parameter sets for one asset", { asset: key });
    if (!Number.isInteger(p.decimals) || p.decimals < 0 || p.decimals > 77)
      throw clearingInputError("CLEARING_OUT_OF_RANGE", "decimals must be an integer in 0..77", {
        asset: key,
        decimals: p.decimals,
      });
    if (p.riskFactorPpm < 0n || p.riskFactorPpm > PPM)
      throw clearingInputError("CLEARING_OUT_OF_RANGE", "a risk factor is 0..1e6 ppm", {
        asset: key,
        riskFactorPpm: p.riskFactorPpm,
      });
    const mark = markByKey.get(key);
    if (!mark) {
      unpriced.add(key);
      continue;
    }
    priced.set(key, {
      chainId: p.chainId,
      token: p.token,
      decimals: p.decimals,
      riskFactorPpm: p.riskFactorPpm,
      usdPriceE18: mark.usdPriceE18,
      markTimestamp: mark.timestamp,
    });
  }
  return {
    get(asset) {
      const key = assetKey(asset);
      const price = priced.get(key);
      if (price) return price;
      if (unpriced.has(key))
        throw new ClearlineError("MARK_PRICE_UNAVAILABLE", "no mark for an asset of the channel", { asset: key });
      throw new ClearlineError("ASSET_NOT_FOUND", "the channel has no parameters for this asset", { asset: key });
    },
    entries: () => [...priced.values()],
  };
}

/** Marks older than maxAgeSeconds at nowSeconds (the stale-price alarm; core reads no clock, pass now in). */
export function staleMarks(marks: readonly Mark[], nowSeconds: bigint, maxAgeSeconds: bigint): Mark[] {
  return marks.filter((mark) => nowSeconds - mark.timestamp > maxAgeSeconds);
}
