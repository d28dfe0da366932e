// Seed 002's example (A buys 1 BTC for 50,000 from B; B buys 10 ETH for 30,000 from A), shared by the tests.
import type { Address } from "viem";
import { toBaseUnits } from "../money/units";
import type { Fill } from "./netting";
import type { AssetParams, Mark } from "./pricing";
import type { BrokerPair } from "./types";

export const A: Address = "0x000000000000000000000000000000000000000a";
export const B: Address = "0x000000000000000000000000000000000000000b";
export const pair: BrokerPair = { a: A, b: B };

export const WBTC = { chainId: 1n, token: "0x2260fac5e5542a773aa44fbcfedf7c193bc2c599" as Address, decimals: 8 };
export const ETH = { chainId: 1n, token: "0x0000000000000000000000000000000000000000" as Address, decimals: 18 };
export const USDC = { chainId: 1n, token: "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48" as Address, decimals: 6 };

export const units = (asset: { decimals: number }, decimal: string) => toBaseUnits(decimal, asset.decimals);
export const usdE18 = (decimal: string) => toBaseUnits(decimal, 18);

export const fills: Fill[] = [
  { buyer: A, seller: B, base: WBTC, quote: USDC, baseAmount: units(WBTC, "1"), quoteAmount: units(USDC, "50000") },
  { buyer: B, seller: A, base: ETH, quote: USDC, baseAmount: units(ETH, "10"), quoteAmount: units(USDC, "30000") },
];

/** Seed 002's risk factors: BTC 2.09%, ETH 2.68%, USDC 0.027%. */
export const params: AssetParams[] = [
  { ...WBTC, riskFactorPpm: 20_900n },
  { ...ETH, riskFactorPpm: 26_800n },
  { ...USDC, riskFactorPpm: 270n },
];

/** The marks after the move: BTC +5% to 52,500, ETH +10% to 3,300, USDC 1. */
export const marksAfterMove: Mark[] = [
  { chainId: 1n, token: WBTC.token, usdPriceE18: usdE18("52500"), timestamp: 1_700_000_000n },
  { chainId: 1n, token: ETH.token, usdPriceE18: usdE18("3300"), timestamp: 1_700_000_060n },
  { chainId: 1n, token: USDC.token, usdPriceE18: usdE18("1"), timestamp: 1_700_000_030n },
];
