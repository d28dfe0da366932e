/**
 * THE B2B channel's app data (seed 000's `bu`, `oos`, `cl`, plus the net liabilities, the marks
 * they were valued at, the zone thresholds fixed at opening and the RPC meters), as EIP-712 typed
 * data. The Solidity side mirrors these types field for field: never rename or reorder a field.
 * uint8/uint16 fields are numbers, wider integers bigint.
 */
import type { Address, Hex } from "viem";
import type { Liability } from "./netting";
import type { Mark } from "./pricing";

/** Zone thresholds in bps of utilisation, fixed per channel in the version-0 app data. */
export interface Thresholds {
  orangeBps: number;
  redBps: number;
  stopBps: number;
}

/** `bu`: what `holder` holds on `host`'s platform, in base units. */
export interface Holding {
  host: Address;
  holder: Address;
  chainId: bigint;
  token: Address;
  available: bigint;
  locked: bigint;
}

/** Order side in `OrderSummary.side`. */
export const OrderSide = { BUY: 0, SELL: 1 } as const;
export type OrderSide = (typeof OrderSide)[keyof typeof OrderSide];

/**
 * `oos`: the open orders of `holder` in one market and side on `host`'s platform. The amounts are
 * the totals over those orders (seed 000 calls them "average amount"; it describes the sum), base
 * and quote in base units; prices are quote base units per whole base token.
 */
export interface OrderSummary {
  host: Address;
  holder: Address;
  market: Hex;
  side: OrderSide;
  avgBaseAmount: bigint;
  minPrice: bigint;
  maxPrice: bigint;
  avgQuoteAmount: bigint;
}

/** `cl`: a broker's collateral locked by the network for this session, in base units. */
export interface Collateral {
  broker: Address;
  chainId: bigint;
  token: Address;
  available: bigint;
  locked: bigint;
}

/** A meter of one payer's calls of one RPC kind, and the fees they cost (settlement stablecoin base units). */
export interface RpcCounter {
  payer: Address;
  kind: number;
  calls: bigint;
  bytesTotal: bigint;
  dbReads: bigint;
  dbWrites: bigint;
  feeAmount: bigint;
}

/** The app data of a broker-to-broker channel state; its EIP-712 struct hash is the state's appDataHash. */
export interface B2BAppData {
  thresholds: Thresholds;
  bu: readonly Holding[];
  oos: readonly OrderSummary[];
  cl: readonly Collateral[];
  liabilities: readonly Liability[];
  marks: readonly Mark[];
  rpc: readonly RpcCounter[];
}

/** At most this many entries per array, so the contract's hashing stays within a bounded gas cost. */
export const MAX_APP_DATA_ENTRIES = 64;

/** The viem / wallet `types` of B2BAppData (primary type "B2BAppData"); the Solidity library mirrors it. */
export const B2B_APP_DATA_TYPES = {
  B2BAppData: [
    { name: "thresholds", type: "Thresholds" },
    { name: "bu", type: "Holding[]" },
    { name: "oos", type: "OrderSummary[]" },
    { name: "cl", type: "Collateral[]" },
    { name: "liabilities", type: "Liability[]" },
    { name: "marks", type: "Mark[]" },
    { name: "rpc", type: "RpcCounter[]" },
  ],
  Thresholds: [
    { name: "orangeBps", type: "uint16" },
    { name: "redBps", type: "uint16" },
    { name: "stopBps", type: "uint16" },
  ],
  Holding: [
    { name: "host", type: "address" },
    { name: "holder", type: "address" },
    { name: "chainId", type: "uint64" },
    { name: "token", type: "address" },
    { name: "available", type: "uint256" },
    { name: "locked", type: "uint256" },
  ],
  OrderSummary: [
    { name: "host", type: "address" },
    { name: "holder", type: "address" },
    { name: "market", type: "bytes32" },
    { name: "side", type: "uint8" },
    { name: "avgBaseAmount", type: "uint256" },
    { name: "minPrice", type: "uint256" },
    { name: "maxPrice", type: "uint256" },
    { name: "avgQuoteAmount", type: "uint256" },
  ],
  Collateral: [
    { name: "broker", type: "address" },
    { name: "chainId", type: "uint64" },
    { name: "token", type: "address" },
    { name: "available", type: "uint256" },
    { name: "locked", type: "uint256" },
  ],
  Liability: [
    { name: "chainId", type: "uint64" },
    { name: "token", type: "address" },
    { name: "debtor", type: "address" },
    { name: "amount", type: "uint256" },
  ],
  Mark: [
    { name: "chainId", type: "uint64" },
    { name: "token", type: "address" },
    { name: "usdPriceE18", type: "uint256" },
    { name: "timestamp", type: "uint64" },
  ],
  RpcCounter: [
    { name: "payer", type: "address" },
    { name: "kind", type: "uint8" },
    { name: "calls", type: "uint64" },
    { name: "bytesTotal", type: "uint64" },
    { name: "dbReads", type: "uint64" },
    { name: "dbWrites", type: "uint64" },
    { name: "feeAmount", type: "uint256" },
  ],
} as const;
