/**
 * Typed errors of the multi-party core. Each is a ClearlineError with code INVALID_INPUT (so the
 * server's error map already covers it) and a component-named `reason` carrying the failed values.
 */
import { ClearlineError, type ErrorDetails } from "../errors";

/** Why a multi-party input was refused. */
export const MULTIPARTY_ERROR_REASONS = [
  /** channel config: participants unsorted, duplicated, too many or too few; matcher not one of them */
  "MULTIPARTY_CONFIG_INVALID",
  /** an op, head or checkpoint that cannot be encoded: bad hex, amount outside uint256, seq beyond the bound */
  "MULTIPARTY_MALFORMED",
  /** an op or head for another channel */
  "MULTIPARTY_WRONG_CHANNEL",
  /** the author or signer is not a participant of the channel */
  "MULTIPARTY_NOT_PARTICIPANT",
  /** a signature that is malformed or not the author's */
  "MULTIPARTY_SIGNATURE_INVALID",
  /** a replica's buffer of not-yet-authenticated ops is full for this author */
  "MULTIPARTY_BUFFER_FULL",
  /** an op its author's own view already judges invalid: an honest writer does not sign it */
  "MULTIPARTY_OP_INVALID",
  /** no balance leaf for this participant and token */
  "MULTIPARTY_NO_SUCH_LEAF",
] as const;
export type MultipartyErrorReason = (typeof MULTIPARTY_ERROR_REASONS)[number];

/** A refused multi-party input; `reason` says which rule, `details` the values that failed. */
export class MultipartyError extends ClearlineError {
  constructor(
    readonly reason: MultipartyErrorReason,
    message: string,
    details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super("INVALID_INPUT", message, { ...details, reason }, options);
  }
}

/** Throws a MultipartyError (a helper so validators read as one line per rule). */
export function refuse(reason: MultipartyErrorReason, message: string, details: ErrorDetails = {}): never {
  throw new MultipartyError(reason, message, details);
}
