/** Small, allocation-light hex/bytes helpers for the hashing hot path. */
import type { Hex } from "viem";

const HEX_CHARS = "0123456789abcdef";
const BYTE_TO_HEX: string[] = Array.from({ length: 256 }, (_, i) => HEX_CHARS[i >> 4]! + HEX_CHARS[i & 15]!);
const HEX_TO_NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_TO_NIBBLE[HEX_CHARS.charCodeAt(i)] = i;
for (let i = 0; i < 6; i++) HEX_TO_NIBBLE["ABCDEF".charCodeAt(i)] = 10 + i;

/** Writes the hex string's bytes into `out` right-aligned in a `width`-byte field at `offset`. */
export function writeHex(out: Uint8Array, offset: number, hex: string, width: number): void {
  const digits = hex.length - 2;
  if (digits % 2 !== 0 || hex[0] !== "0" || (hex[1] !== "x" && hex[1] !== "X"))
    throw new TypeError(`not even-length 0x hex: ${hex}`);
  const bytes = digits / 2;
  if (bytes > width) throw new RangeError(`${hex} is longer than ${width} bytes`);
  let at = offset + width - bytes;
  for (let i = 2; i < hex.length; i += 2) {
    const hi = HEX_TO_NIBBLE[hex.charCodeAt(i)] ?? -1;
    const lo = HEX_TO_NIBBLE[hex.charCodeAt(i + 1)] ?? -1;
    if (hi < 0 || lo < 0) throw new TypeError(`not hex: ${hex}`);
    out[at++] = (hi << 4) | lo;
  }
}

/** Writes a uint256 big-endian into 32 bytes at `offset` (`out` must be zeroed there). */
export function writeUint256(out: Uint8Array, offset: number, value: bigint): void {
  if (value < 0n || value >> 256n !== 0n) throw new RangeError(`${value} is not a uint256`);
  if (value === 0n) return;
  if (value < 0x20000000000000n) {
    // fits in a double exactly: avoid bigint shifts
    let n = Number(value);
    for (let i = offset + 31; n > 0; i--) {
      out[i] = n % 256;
      n = Math.floor(n / 256);
    }
    return;
  }
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = "0" + hex;
  writeHex(out, offset, "0x" + hex, 32);
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array((hex.length - 2) / 2);
  writeHex(out, 0, hex, out.length);
  return out;
}

export function bytesToHex(bytes: Uint8Array): Hex {
  let out = "0x";
  for (let i = 0; i < bytes.length; i++) out += BYTE_TO_HEX[bytes[i]!]!;
  return out as Hex;
}
