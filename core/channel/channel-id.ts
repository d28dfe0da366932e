import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Address, Hex } from "viem";
import { bytesToHex, writeHex, writeUint256 } from "./bytes";

export interface ChannelIdParams {
  chainId: number;
  /** the custody contract */
  custody: Address;
  trader: Address;
  exchange: Address;
  /** chosen by the trader; a new nonce gives a new channel (uint64) */
  nonce: bigint;
}

/** The channel id: keccak256(abi.encode(chainId, custody, trader, exchange, nonce)), as Custody.channelIdOf. */
export function channelId(params: ChannelIdParams): Hex {
  if (params.nonce < 0n || params.nonce >= 1n << 64n) throw new RangeError(`nonce ${params.nonce} is not a uint64`);
  const buf = new Uint8Array(160);
  writeUint256(buf, 0, BigInt(params.chainId));
  writeHex(buf, 32, params.custody, 32);
  writeHex(buf, 64, params.trader, 32);
  writeHex(buf, 96, params.exchange, 32);
  writeUint256(buf, 128, params.nonce);
  return bytesToHex(keccak_256(buf));
}
