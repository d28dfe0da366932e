/**
 * The latest state BOTH sides signed, kept in the browser (localStorage) so the trader can
 * challenge on-chain even when the exchange no longer answers. Keyed by chain, custody and
 * channel; only a newer version replaces the stored one.
 */
import superjson from "superjson";
import type { Address, Hex } from "viem";
import type { ChannelState } from "@/core/channel";

export interface LocalCoSignedState {
  state: ChannelState;
  exchangeSignature: Hex;
  traderSignature: Hex;
  /** the trader who signed (the channel's trader) */
  trader: Address;
  savedAt: number;
}

const PREFIX = "clearline.cosigned.v1";
const key = (chainId: number, custody: Address, channelId: Hex) =>
  `${PREFIX}:${chainId}:${custody.toLowerCase()}:${channelId.toLowerCase()}`;
const lastKey = (chainId: number, custody: Address, trader: Address) =>
  `${PREFIX}:last:${chainId}:${custody.toLowerCase()}:${trader.toLowerCase()}`;

export function loadCoSigned(chainId: number, custody: Address, channelId: Hex): LocalCoSignedState | null {
  if (typeof window === "undefined") return null;
  try {
    const raw = window.localStorage.getItem(key(chainId, custody, channelId));
    return raw ? superjson.parse<LocalCoSignedState>(raw) : null;
  } catch {
    return null;
  }
}

/** The channel id the trader last co-signed in (so the dispute screen works without the server). */
export function lastChannelOf(chainId: number, custody: Address, trader: Address): Hex | null {
  if (typeof window === "undefined") return null;
  return (window.localStorage.getItem(lastKey(chainId, custody, trader)) as Hex | null) ?? null;
}

/** Stores `entry` unless a newer (or the same) version is already stored; returns whether it was written. */
export function saveCoSigned(chainId: number, custody: Address, entry: LocalCoSignedState): boolean {
  if (typeof window === "undefined") return false;
  const existing = loadCoSigned(chainId, custody, entry.state.channelId);
  if (existing && existing.state.version >= entry.state.version) return false;
  try {
    window.localStorage.setItem(key(chainId, custody, entry.state.channelId), superjson.stringify(entry));
    window.localStorage.setItem(lastKey(chainId, custody, entry.trader), entry.state.channelId.toLowerCase());
    window.dispatchEvent(new Event("clearline:cosigned"));
    return true;
  } catch {
    return false;
  }
}
