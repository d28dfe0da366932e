/** Test keys: the well-known local Hardhat accounts #6 and #7 (the demo brokers) and #8 (an outsider). */
import type { Address, Hex } from "viem";
import { hardhatTestAccount } from "../chain/hardhat-test-accounts";
import type { B2BAsset, CreateRemoteOrder } from "./bodies";

const key = (index: number) => {
  const account = hardhatTestAccount(index);
  return { address: account.address.toLowerCase() as Address, privateKey: account.privateKey as Hex };
};

export const A = key(6);
export const B = key(7);
export const MALLORY = key(8);
export const CHAIN_ID = 31337n;
export const NOW_MS = 1_800_000_000_000n;

export const ETH: B2BAsset = { chainId: CHAIN_ID, token: "0x0000000000000000000000000000000000000000" };
export const USDC: B2BAsset = { chainId: CHAIN_ID, token: "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48" };

/** A buy of `baseAmount` ETH for at most `quoteLimit` USDC. */
export function order(orderId: string, baseAmount = 10n ** 17n, quoteLimit = 200_000_000n): CreateRemoteOrder {
  return { orderId, market: "ETH-USDC", base: ETH, quote: USDC, side: "buy", baseAmount, quoteLimit, tif: "GTC" };
}
