/**
 * Signing and verifying channel states with secp256k1 (@noble/curves): deterministic
 * (RFC 6979), low-s, 65 bytes r ‖ s ‖ v with v ∈ {27, 28}. Verification applies exactly the
 * contract's rules (OpenZeppelin ECDSA.tryRecover): any other length, high s, r or s out of
 * range, or another v is rejected. Smart-wallet (ERC-1271) participants need a chain call:
 * the server checks those with viem's verifyTypedData; this module handles EOAs.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Address, Hex } from "viem";
import { ClearlineError } from "../errors";
import { bytesToHex, hexToBytes } from "./bytes";
import { hashStateBytes } from "./hash";
import type { ChannelDomain, ChannelState, StateSignature } from "./types";

const Point = secp256k1.Point;
const Fn = Point.Fn;
const N = Fn.ORDER;
const HALF_N = N >> 1n;

/** r, s and the recovery bit of a signature that passed the strict checks. */
export interface ParsedSignature {
  r: bigint;
  s: bigint;
  recovery: 0 | 1;
}

function malformed(reason: string, signature: string): never {
  throw new ClearlineError("CHANNEL_SIGNATURE_INVALID", `malformed signature: ${reason}`, {
    reason,
    length: (signature.length - 2) / 2,
  });
}

/** Parses a signature under the contract's rules; throws CHANNEL_SIGNATURE_INVALID otherwise. */
export function parseStateSignature(signature: string): ParsedSignature {
  if (!/^0x[0-9a-fA-F]*$/.test(signature)) malformed("not hex", signature);
  if (signature.length !== 132) malformed(`${(signature.length - 2) / 2} bytes, expected 65`, signature);
  const r = BigInt("0x" + signature.slice(2, 66));
  const s = BigInt("0x" + signature.slice(66, 130));
  const v = Number.parseInt(signature.slice(130, 132), 16);
  if (v !== 27 && v !== 28) malformed(`v = ${v}, expected 27 or 28`, signature);
  if (r === 0n || r >= N) malformed("r out of range", signature);
  if (s === 0n || s > HALF_N) malformed(s > HALF_N ? "high s (malleable)" : "s = 0", signature);
  return { r, s, recovery: (v - 27) as 0 | 1 };
}

/** Signs a 32-byte digest: deterministic, low s, 65 bytes with v = 27/28. */
export function signDigest(digest: Uint8Array, privateKey: Hex): StateSignature {
  const recovered = secp256k1.sign(digest, hexToBytes(privateKey), { prehash: false, lowS: true, format: "recovered" });
  const out = new Uint8Array(65);
  out.set(recovered.subarray(1, 65), 0);
  out[64] = 27 + recovered[0]!;
  return bytesToHex(out);
}

/** Signs a channel state as `privateKey`'s owner (the server signs as the exchange with this). */
export function signState(domain: ChannelDomain, state: ChannelState, privateKey: Hex): StateSignature {
  return signDigest(hashStateBytes(domain, state), privateKey);
}

function addressOfPoint(point: InstanceType<typeof Point>): Address {
  const uncompressed = point.toBytes(false);
  return bytesToHex(keccak_256(uncompressed.subarray(1)).subarray(12)) as Address;
}

function recoverPoint(digest: Uint8Array, sig: ParsedSignature): InstanceType<typeof Point> {
  const compact = new Uint8Array(65);
  compact[0] = sig.recovery;
  compact.set(hexToBytes("0x" + sig.r.toString(16).padStart(64, "0")), 1);
  compact.set(hexToBytes("0x" + sig.s.toString(16).padStart(64, "0")), 33);
  const publicKey = secp256k1.recoverPublicKey(compact, digest, { prehash: false });
  return Point.fromBytes(publicKey);
}

/** The address that signed `digest` (lower-case hex), under the strict rules. */
export function recoverDigestSigner(digest: Uint8Array, signature: StateSignature): Address {
  const parsed = parseStateSignature(signature);
  try {
    return addressOfPoint(recoverPoint(digest, parsed));
  } catch (cause) {
    throw new ClearlineError("CHANNEL_SIGNATURE_INVALID", "signature recovers no public key", {}, { cause });
  }
}

/** The address (lower-case hex) whose key signed `state`; throws CHANNEL_SIGNATURE_INVALID if malformed. */
export function recoverStateSigner(domain: ChannelDomain, state: ChannelState, signature: StateSignature): Address {
  return recoverDigestSigner(hashStateBytes(domain, state), signature);
}

// Public keys of signers seen before, with precomputed multiplication tables: a known signer's
// signature is then checked with one fast double multiplication instead of a recovery.
const KNOWN_KEYS_MAX = 10_000;
const knownKeys = new Map<string, InstanceType<typeof Point>>();

function rememberKey(address: string, point: InstanceType<typeof Point>): void {
  if (knownKeys.size >= KNOWN_KEYS_MAX) knownKeys.delete(knownKeys.keys().next().value!);
  point.precompute(8, false);
  knownKeys.set(address, point);
}

function digestToScalar(digest: Uint8Array): bigint {
  let h = BigInt(bytesToHex(digest));
  if (h >= N) h -= N;
  return h;
}

/** True when `signature` over `digest` is `signer`'s (an EOA), under the strict rules. */
export function verifyDigestSignature(digest: Uint8Array, signature: StateSignature, signer: Address): boolean {
  let parsed: ParsedSignature;
  try {
    parsed = parseStateSignature(signature);
  } catch {
    return false;
  }
  const address = signer.toLowerCase();
  const key = knownKeys.get(address);
  if (key) {
    // ECDSA: R = (h/s)·G + (r/s)·Q must have x ≡ r (mod n) and the parity the recovery bit names.
    const w = Fn.inv(parsed.s);
    const u1 = Fn.mul(digestToScalar(digest), w);
    const u2 = Fn.mul(parsed.r, w);
    const R = Point.BASE.multiplyUnsafe(u1).add(key.multiplyUnsafe(u2));
    if (R.is0()) return false;
    const affine = R.toAffine();
    return Fn.create(affine.x) === parsed.r && Number(affine.y & 1n) === parsed.recovery;
  }
  let point: InstanceType<typeof Point>;
  try {
    point = recoverPoint(digest, parsed);
  } catch {
    return false;
  }
  if (addressOfPoint(point) !== address) return false;
  rememberKey(address, point);
  return true;
}

/** True when `signature` is `signer`'s signature of `state` (EOA rules; see module doc for ERC-1271). */
export function verifyStateSignature(
  domain: ChannelDomain,
  state: ChannelState,
  signature: StateSignature,
  signer: Address,
): boolean {
  return verifyDigestSignature(hashStateBytes(domain, state), signature, signer);
}

/** Like verifyStateSignature, but throws CHANNEL_SIGNATURE_INVALID naming the expected signer. */
export function assertStateSignature(
  domain: ChannelDomain,
  state: ChannelState,
  signature: StateSignature,
  signer: Address,
): void {
  if (!verifyStateSignature(domain, state, signature, signer)) {
    throw new ClearlineError(
      "CHANNEL_SIGNATURE_INVALID",
      `state ${state.channelId} v${state.version} is not signed by ${signer}`,
      {
        channelId: state.channelId,
        version: state.version,
        signer,
      },
    );
  }
}
