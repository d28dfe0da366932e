/**
 * A pluggable secp256k1 backend for the server's hot path. core/channel stays pure and
 * browser-safe (noble by default); the server passes a native backend in
 * (server/channels/crypto.ts). Whatever the backend, signatures are parsed under exactly the
 * contract's rules first (parseStateSignature: 65 bytes, v ∈ {27, 28}, low s), and signing
 * produces the same deterministic RFC 6979 low-s signature as signState.
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Address, Hex } from "viem";
import { ClearlineError } from "../errors";
import { bytesToHex, hexToBytes } from "./bytes";
import { hashStateBytes } from "./hash";
import { parseStateSignature } from "./signature";
import type { ChannelDomain, ChannelState, StateSignature } from "./types";

/** The two secp256k1 operations the channel code needs, over raw bytes. */
export interface Secp256k1Backend {
  readonly name: string;
  /** RFC 6979 deterministic, low-s: 64-byte r ‖ s and the recovery bit. */
  sign(digest: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recovery: number };
  /** The 65-byte uncompressed public key that produced `signature` (64-byte r ‖ s); throws if none. */
  recoverPublicKey(signature: Uint8Array, recovery: number, digest: Uint8Array): Uint8Array;
}

/** The pure-JS backend (@noble/curves), used in the browser and as the reference in tests. */
export const nobleBackend: Secp256k1Backend = {
  name: "noble",
  sign(digest, privateKey) {
    const recovered = secp256k1.sign(digest, privateKey, { prehash: false, lowS: true, format: "recovered" });
    return { signature: recovered.subarray(1, 65), recovery: recovered[0]! };
  },
  recoverPublicKey(signature, recovery, digest) {
    const compact = new Uint8Array(65);
    compact[0] = recovery;
    compact.set(signature, 1);
    return secp256k1.Point.fromBytes(secp256k1.recoverPublicKey(compact, digest, { prehash: false })).toBytes(false);
  },
};

function addressOfPublicKey(uncompressed: Uint8Array): Address {
  return bytesToHex(keccak_256(uncompressed.subarray(1)).subarray(12)) as Address;
}

export interface StateSigner {
  /** lower-case address of the key */
  readonly address: Address;
  /** Signs the state; returns the 65-byte signature and the EIP-712 digest it signed. */
  sign(domain: ChannelDomain, state: ChannelState): { signature: StateSignature; digest: Uint8Array };
}

/** A signer holding one key (parsed once): what the exchange signs every state with. */
export function createStateSigner(privateKey: Hex, backend: Secp256k1Backend = nobleBackend): StateSigner {
  const key = hexToBytes(privateKey);
  if (key.length !== 32) throw new RangeError("a private key is 32 bytes");
  const address = addressOfPublicKey(secp256k1.getPublicKey(key, false));
  return {
    address,
    sign(domain, state) {
      const digest = hashStateBytes(domain, state);
      const { signature, recovery } = backend.sign(digest, key);
      const out = new Uint8Array(65);
      out.set(signature, 0);
      out[64] = 27 + recovery;
      return { signature: bytesToHex(out), digest };
    },
  };
}

export interface StateVerifier {
  /** The signer's address (lower case) of `signature` over `digest`; CHANNEL_SIGNATURE_INVALID if malformed. */
  recoverDigest(digest: Uint8Array, signature: StateSignature): Address;
  /** True when `signature` over the state is `signer`'s (EOA), under the contract's rules. */
  verify(domain: ChannelDomain, state: ChannelState, signature: StateSignature, signer: Address): boolean;
  verifyDigest(digest: Uint8Array, signature: StateSignature, signer: Address): boolean;
}

const KNOWN_KEYS_MAX = 10_000;

/**
 * A verifier over `backend`. It remembers the public key of each signer it saw, so a known
 * signer's signature is checked by comparing the recovered key's bytes (no keccak of the key).
 */
export function createStateVerifier(backend: Secp256k1Backend = nobleBackend): StateVerifier {
  const keys = new Map<string, Uint8Array>();
  const sigBytes = new Uint8Array(64);

  function recoverKey(digest: Uint8Array, signature: StateSignature): Uint8Array {
    const parsed = parseStateSignature(signature); // the contract's rules, before any curve math
    const bytes = hexToBytes(signature);
    sigBytes.set(bytes.subarray(0, 64));
    try {
      return backend.recoverPublicKey(sigBytes, parsed.recovery, digest);
    } catch (cause) {
      throw new ClearlineError("CHANNEL_SIGNATURE_INVALID", "signature recovers no public key", {}, { cause });
    }
  }

  function verifyDigest(digest: Uint8Array, signature: StateSignature, signer: Address): boolean {
    let key: Uint8Array;
    try {
      key = recoverKey(digest, signature);
    } catch {
      return false;
    }
    const address = signer.toLowerCase();
    const known = keys.get(address);
    if (known) return equalBytes(known, key);
    if (addressOfPublicKey(key) !== address) return false;
    if (keys.size >= KNOWN_KEYS_MAX) keys.delete(keys.keys().next().value!);
    keys.set(address, key.slice());
    return true;
  }

  return {
    recoverDigest: (digest, signature) => addressOfPublicKey(recoverKey(digest, signature)),
    verifyDigest,
    verify: (domain, state, signature, signer) => verifyDigest(hashStateBytes(domain, state), signature, signer),
  };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
