/**
 * The shared vocabulary of the broker-to-broker clearing: assets named by (chain id, token), the two
 * brokers of a channel, and a direction (who would owe whom).
 */
import type { Address } from "viem";

/** An asset as the channel names it: the chain it lives on and its token address (0x0…0 for native). */
export interface AssetRef {
  chainId: bigint;
  token: Address;
}

/** The two brokers of a B2B channel. */
export interface BrokerPair {
  a: Address;
  b: Address;
}

/** One direction of the risk: the debtor might not pay the creditor. */
export interface Direction {
  debtor: Address;
  creditor: Address;
}

/** The map key of an asset: chain id and lower-case token, so checksummed and plain addresses agree. */
export function assetKey(asset: AssetRef): string {
  return `${asset.chainId}:${asset.token.toLowerCase()}`;
}

/** Whether two addresses name the same account (case-insensitive hex). */
export function sameAddress(x: Address, y: Address): boolean {
  return x.toLowerCase() === y.toLowerCase();
}

/** Both directions of a pair: A as the debtor first, then B. */
export function directionsOf(pair: BrokerPair): readonly [Direction, Direction] {
  return [
    { debtor: pair.a, creditor: pair.b },
    { debtor: pair.b, creditor: pair.a },
  ];
}

/** Orders assets by chain id, then token address (lower-case): the canonical order of app-data arrays. */
export function compareAssets(x: AssetRef, y: AssetRef): number {
  if (x.chainId !== y.chainId) return x.chainId < y.chainId ? -1 : 1;
  const tx = x.token.toLowerCase();
  const ty = y.token.toLowerCase();
  return tx < ty ? -1 : tx > ty ? 1 : 0;
}
