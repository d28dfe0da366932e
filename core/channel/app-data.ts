/**
 * The app data of a trader channel: a summary of fees and positions that makes the latest
 * state a fair exit (docs/PROTOCOL.md). The state carries only its hash (appDataHash); this
 * struct is hashed with EIP-712's hashStruct so a wallet could show it field by field too.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Address, Hex } from "viem";
import { bytesToHex, writeHex, writeUint256 } from "./bytes";

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

const utf8 = new TextEncoder();
const FEE_TOTAL_TYPE_STRING = "FeeTotal(address token,uint256 paid)";
const POSITION_TYPE_STRING =
  "Position(bytes32 market,int256 sizeE8,uint256 entryPriceE8,uint256 markPriceE8,address collateral,int256 unrealizedPnl)";
const APP_DATA_TYPEHASH = keccak_256(
  utf8.encode(
    "TraderAppData(uint64 journalSeq,uint64 markTime,FeeTotal[] fees,Position[] positions)" +
      FEE_TOTAL_TYPE_STRING +
      POSITION_TYPE_STRING,
  ),
);
const FEE_TOTAL_TYPEHASH = keccak_256(utf8.encode(FEE_TOTAL_TYPE_STRING));
const POSITION_TYPEHASH = keccak_256(utf8.encode(POSITION_TYPE_STRING));
const UINT256_MASK = (1n << 256n) - 1n;
const INT255 = 1n << 255n;

function writeInt256(out: Uint8Array, offset: number, value: bigint): void {
  if (value < -INT255 || value >= INT255) throw new RangeError(`${value} is not an int256`);
  writeUint256(out, offset, value & UINT256_MASK); // two's complement
}

/**
 * The appDataHash of a trader channel state: EIP-712 hashStruct of TraderAppData, with the
 * type hashes computed once (equal to viem's hashStruct over TRADER_APP_DATA_TYPES; a test proves it).
 */
export function hashTraderAppData(data: TraderAppData): Hex {
  const fees = new Uint8Array(32 * data.fees.length);
  const record = new Uint8Array(224);
  data.fees.forEach((fee, i) => {
    record.fill(0, 0, 96);
    record.set(FEE_TOTAL_TYPEHASH, 0);
    writeHex(record, 32, fee.token, 32);
    writeUint256(record, 64, fee.paid);
    fees.set(keccak_256(record.subarray(0, 96)), 32 * i);
  });
  const positions = new Uint8Array(32 * data.positions.length);
  data.positions.forEach((p, i) => {
    record.fill(0);
    record.set(POSITION_TYPEHASH, 0);
    writeHex(record, 32, p.market, 32);
    writeInt256(record, 64, p.sizeE8);
    writeUint256(record, 96, p.entryPriceE8);
    writeUint256(record, 128, p.markPriceE8);
    writeHex(record, 160, p.collateral, 32);
    writeInt256(record, 192, p.unrealizedPnl);
    positions.set(keccak_256(record), 32 * i);
  });
  if (data.journalSeq < 0n || data.journalSeq >> 64n !== 0n)
    throw new RangeError(`journalSeq ${data.journalSeq} is not a uint64`);
  if (data.markTime < 0n || data.markTime >> 64n !== 0n)
    throw new RangeError(`markTime ${data.markTime} is not a uint64`);
  const top = new Uint8Array(160);
  top.set(APP_DATA_TYPEHASH, 0);
  writeUint256(top, 32, data.journalSeq);
  writeUint256(top, 64, data.markTime);
  top.set(keccak_256(fees), 96);
  top.set(keccak_256(positions), 128);
  return bytesToHex(keccak_256(top));
}
