/**
 * Signing and verifying ops and heads. The secp256k1 rules (65 bytes, low s, v ∈ {27, 28}) are
 * core/channel/signature.ts's, reused as they are: only the digests differ.
 */
import type { Address, Hex } from "viem";
import { signDigest, verifyDigestSignature } from "../channel/signature";
import { headDigest, opDigest } from "./encode";
import type { MultipartyDomain, Op, SignedHead } from "./types";

/** Signs one op as its author. */
export function signOp(domain: MultipartyDomain, op: Op, privateKey: Hex): Hex {
  return signDigest(opDigest(domain, op), privateKey);
}

/** True when `signature` over `op` is by the op's author (EOA, strict rules). */
export function verifyOpSignature(domain: MultipartyDomain, op: Op, signature: Hex): boolean {
  return verifyDigestSignature(opDigest(domain, op), signature, op.author);
}

/** Signs the head `head` (the hash of the author's op at `seq`): one signature for the whole chain. */
export function signHead(domain: MultipartyDomain, head: Omit<SignedHead, "signature">, privateKey: Hex): SignedHead {
  return { ...head, signature: signDigest(headDigest(domain, head), privateKey) };
}

/** True when the head's signature is its author's. */
export function verifyHeadSignature(domain: MultipartyDomain, head: SignedHead): boolean {
  return verifyDigestSignature(headDigest(domain, head), head.signature, head.author as Address);
}
