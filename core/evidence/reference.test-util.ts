// RFC 9162 §2.1.1–2.1.4 written plainly over lists of entries, hashing with viem (not ./hash), as
// the reference the tests hold the real implementation to. Not shipped code.
import { concat, keccak256, toHex, type Hex } from "viem";

const bytes = (hex: Hex) => Uint8Array.from(Buffer.from(hex.slice(2), "hex"));

/** HASH(0x00 ‖ d) */
export const refLeaf = (d: Uint8Array): Uint8Array => bytes(keccak256(concat([toHex(new Uint8Array([0])), toHex(d)])));

/** HASH(0x01 ‖ l ‖ r) */
export const refNode = (l: Uint8Array, r: Uint8Array): Uint8Array =>
  bytes(keccak256(concat([toHex(new Uint8Array([1])), toHex(l), toHex(r)])));

/** The largest power of two smaller than n (n > 1). */
function k(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) */
export function refMTH(D: readonly Uint8Array[]): Uint8Array {
  if (D.length === 0) return bytes(keccak256(new Uint8Array(0)));
  if (D.length === 1) return refLeaf(D[0]!);
  const s = k(D.length);
  return refNode(refMTH(D.slice(0, s)), refMTH(D.slice(s)));
}

/** PATH(m, D[n]) */
export function refPATH(m: number, D: readonly Uint8Array[]): Uint8Array[] {
  if (D.length === 1) return [];
  const s = k(D.length);
  if (m < s) return [...refPATH(m, D.slice(0, s)), refMTH(D.slice(s))];
  return [...refPATH(m - s, D.slice(s)), refMTH(D.slice(0, s))];
}

function refSUBPROOF(m: number, D: readonly Uint8Array[], b: boolean): Uint8Array[] {
  if (m === D.length) return b ? [] : [refMTH(D)];
  const s = k(D.length);
  if (m <= s) return [...refSUBPROOF(m, D.slice(0, s), b), refMTH(D.slice(s))];
  return [...refSUBPROOF(m - s, D.slice(s), false), refMTH(D.slice(0, s))];
}

/** PROOF(m, D[n]) for 0 < m < n */
export function refPROOF(m: number, D: readonly Uint8Array[]): Uint8Array[] {
  return refSUBPROOF(m, D, true);
}

/** `count` distinct deterministic entries of varied lengths. */
export function sampleEntries(count: number, tag = "entry"): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => new TextEncoder().encode(`${tag}-${i}-${"x".repeat(i % 7)}`));
}

export const hex = (h: Uint8Array): string => Buffer.from(h).toString("hex");
export const hexAll = (hs: readonly Uint8Array[]): string[] => hs.map(hex);
