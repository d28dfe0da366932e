/**
 * Idempotency for mutations: every mutation carries a key (8–64 chars) chosen by the client.
 * The engine runtime stores (account, key, hash of the request, first answer) in the same
 * transaction as the command's journal batch, so an acknowledged answer and its key are durable
 * together. A retry with the same body gets the first answer (success or refusal alike); the same
 * key with another body is IDEMPOTENCY_KEY_REUSED.
 */
import { ClearlineError, isClearlineError, type ErrorCode, type ErrorDetails } from "../../core/errors";

/** The stored answer: a value, or the refusal the first attempt got. */
export type Outcome<T> =
  { ok: true; value: T } | { ok: false; code: ErrorCode; message: string; details: ErrorDetails };

export function success<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function failure<T>(code: ErrorCode, message: string, details: ErrorDetails = {}): Outcome<T> {
  return { ok: false, code, message, details };
}

/** The value, or the stored refusal thrown again as the same ClearlineError. */
export function unwrap<T>(o: Outcome<T>): T {
  if (o.ok) return o.value;
  throw new ClearlineError(o.code, o.message, o.details);
}

/** A refusal that happened before the engine (e.g. an off-tick price) as an outcome; other errors rethrown. */
export function refusal<T>(error: unknown): Outcome<T> {
  if (isClearlineError(error)) return failure(error.code, error.message, error.details);
  throw error;
}

// the hash lives with the engine, which hashes its own requestId submissions the same way
export { canonicalJson, requestHash } from "../engine/request-hash";

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,64}$/;
