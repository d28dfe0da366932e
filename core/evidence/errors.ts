/**
 * How the evidence log says no. Verification never throws: it answers a VerifyResult naming what
 * failed. Producing a proof or a root from a bad request (an index past the size, a size past the
 * log) is a caller's mistake and throws a ClearlineError whose details carry the same names in
 * `reason`, with the values that failed.
 */
import { ClearlineError, type ErrorDetails } from "../errors";

export const EVIDENCE_ERRORS = [
  /** the claim to verify is not an object */
  "EVIDENCE_CLAIM_MALFORMED",
  /** an index, size or sequence is not a whole number in range (see MAX_TREE_SIZE) */
  "EVIDENCE_SIZE_INVALID",
  /** the leaf index is not below the tree size */
  "EVIDENCE_INDEX_OUT_OF_RANGE",
  /** a consistency proof's old size is above its new size, or a size is above the log's */
  "EVIDENCE_SIZES_OUT_OF_ORDER",
  /** the proof holds more than MAX_PROOF_HASHES hashes (refused before any hashing) */
  "EVIDENCE_PROOF_TOO_LONG",
  /** the proof is not an array, or not the length the sizes (and index) determine */
  "EVIDENCE_PROOF_LENGTH_MISMATCH",
  /** a hash is not 32 bytes (or 0x + 64 hex digits) */
  "EVIDENCE_HASH_MALFORMED",
  /** the root the proof leads to is not the root given */
  "EVIDENCE_ROOT_MISMATCH",
  /**
   * consistency: the proof does not lead to the old root (the old tree is not a prefix). When the
   * old size is a power of two its root is the proof's starting point, so a wrong one shows as
   * EVIDENCE_NEW_ROOT_MISMATCH instead.
   */
  "EVIDENCE_OLD_ROOT_MISMATCH",
  /** consistency: the proof does not lead to the new root */
  "EVIDENCE_NEW_ROOT_MISMATCH",
  /** a node the proof needs is not in the node store (the store lost or never got it) */
  "EVIDENCE_NODE_MISSING",
] as const;
export type EvidenceError = (typeof EVIDENCE_ERRORS)[number];

/** A refusal: the named reason and a short message. */
export interface VerifyFailure {
  readonly ok: false;
  readonly error: EvidenceError;
  readonly message: string;
}

/** What a verification answers: ok, or the named reason it refused. */
export type VerifyResult = { readonly ok: true } | VerifyFailure;

export const VERIFIED: VerifyResult = Object.freeze({ ok: true });

/** A refusal naming `error`. */
export function refuse(error: EvidenceError, message: string): VerifyFailure {
  return { ok: false, error, message };
}

/** Throws for a bad request to produce a proof or root (INVALID_INPUT) or a broken store (INTERNAL). */
export function evidenceFailure(reason: EvidenceError, message: string, details: ErrorDetails = {}): never {
  const code = reason === "EVIDENCE_NODE_MISSING" ? "INTERNAL" : "INVALID_INPUT";
  throw new ClearlineError(code, message, { reason, ...details });
}
