/**
 * Netting of the fills between two brokers into one liability per asset (seed 002): a buyer owes
 * the quote and is owed the base, a seller the reverse; what remains per asset after both
 * directions cancel is owed by exactly one broker.
 */
import type { Address } from "viem";
import { assertUint, clearingInputError } from "./errors";
import { assetKey, compareAssets, sameAddress, type AssetRef, type BrokerPair } from "./types";

/** A fill between the two brokers, amounts in each asset's base units. */
export interface Fill {
  buyer: Address;
  seller: Address;
  base: AssetRef;
  quote: AssetRef;
  baseAmount: bigint;
  quoteAmount: bigint;
}

/** What one broker owes the other in one asset (amount > 0, base units); the app data's Liability. */
export interface Liability {
  chainId: bigint;
  token: Address;
  debtor: Address;
  amount: bigint;
}

/**
 * Per asset, what A owes B minus what B owes A (signed, base units), keyed by assetKey; assets
 * whose flows cancel stay in the map with 0n.
 */
export function signedFlows(
  pair: BrokerPair,
  fills: readonly Fill[],
): Map<string, { asset: AssetRef; owedByA: bigint }> {
  if (sameAddress(pair.a, pair.b))
    throw clearingInputError("CLEARING_SAME_BROKER", "a channel needs two brokers", { broker: pair.a });
  const flows = new Map<string, { asset: AssetRef; owedByA: bigint }>();
  const add = (asset: AssetRef, owedByA: bigint) => {
    const key = assetKey(asset);
    const entry = flows.get(key);
    if (entry) entry.owedByA += owedByA;
    else flows.set(key, { asset: { chainId: asset.chainId, token: asset.token }, owedByA });
  };
  fills.forEach((fill, index) => {
    assertUint(`fills[${index}].baseAmount`, fill.baseAmount, 256);
    assertUint(`fills[${index}].quoteAmount`, fill.quoteAmount, 256);
    const aBuys = sameAddress(fill.buyer, pair.a) && sameAddress(fill.seller, pair.b);
    const bBuys = sameAddress(fill.buyer, pair.b) && sameAddress(fill.seller, pair.a);
    if (!aBuys && !bBuys)
      throw clearingInputError("CLEARING_NOT_A_PARTICIPANT", "a fill must be between the channel's two brokers", {
        index,
        buyer: fill.buyer,
        seller: fill.seller,
      });
    // the buyer owes the quote, the seller owes the base
    add(fill.quote, aBuys ? fill.quoteAmount : -fill.quoteAmount);
    add(fill.base, aBuys ? -fill.baseAmount : fill.baseAmount);
  });
  return flows;
}

/** Net liabilities per asset from the fills between A and B, sorted by (chain id, token), zero nets left out. */
export function netLiabilities(pair: BrokerPair, fills: readonly Fill[]): Liability[] {
  const liabilities: Liability[] = [];
  for (const { asset, owedByA } of signedFlows(pair, fills).values()) {
    if (owedByA === 0n) continue;
    liabilities.push({
      chainId: asset.chainId,
      token: asset.token,
      debtor: owedByA > 0n ? pair.a : pair.b,
      amount: owedByA > 0n ? owedByA : -owedByA,
    });
  }
  return liabilities.sort(compareAssets);
}
