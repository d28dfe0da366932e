/**
 * The app data of a trader channel: a summary of fees and positions that makes the latest
 * state a fair exit (docs/PROTOCOL.md). The state carries only its hash (appDataHash); this
 * struct is hashed with EIP-712's hashStruct so a wallet could show it field by field too.
 */
import { hashStruct, type Address, type Hex } from "viem";

export interface PositionSummary {
  /** market id, 32 bytes (e.g. keccak of "BTC-PERP") */
  market: Hex;
  /** signed: long > 0, short < 0 */
  sizeE8: bigint;
  entryPriceE8: bigint;
  /** the mark price the allocations were computed at */
  markPriceE8: bigint;
  /** the collateral token the position's PnL settles in */
  collateral: Address;
  /** in the collateral's base units, already included in the allocations */
  unrealizedPnl: bigint;
}

export interface FeeTotal {
  token: Address;
  /** cumulative fees the trader paid in this channel, base units */
  paid: bigint;
}

export interface TraderAppData {
  /** the last engine journal sequence number this state includes */
  journalSeq: bigint;
  /** unix seconds of the marks used (passed in: core reads no clock) */
  markTime: bigint;
  fees: readonly FeeTotal[];
  positions: readonly PositionSummary[];
}

export const TRADER_APP_DATA_TYPES = {
  TraderAppData: [
    { name: "journalSeq", type: "uint64" },
    { name: "markTime", type: "uint64" },
    { name: "fees", type: "FeeTotal[]" },
    { name: "positions", type: "Position[]" },
  ],
  FeeTotal: [
    { name: "token", type: "address" },
    { name: "paid", type: "uint256" },
  ],
  Position: [
    { name: "market", type: "bytes32" },
    { name: "sizeE8", type: "int256" },
    { name: "entryPriceE8", type: "uint256" },
    { name: "markPriceE8", type: "uint256" },
    { name: "collateral", type: "address" },
    { name: "unrealizedPnl", type: "int256" },
  ],
} as const;

/** The appDataHash of a trader channel state. */
export function hashTraderAppData(data: TraderAppData): Hex {
  return hashStruct({
    types: TRADER_APP_DATA_TYPES,
    primaryType: "TraderAppData",
    data: {
      journalSeq: data.journalSeq,
      markTime: data.markTime,
      fees: data.fees.map((f) => ({ token: f.token, paid: f.paid })),
      positions: data.positions.map((p) => ({ ...p })),
    },
  });
}
