/**
 * The clearing's failures. core/errors has no clearing codes yet (and this module may not edit
 * it), so bad input is INVALID_INPUT with a `reason` naming the check that failed and the values
 * that failed it; missing prices and assets use the engine's existing codes.
 */
import { ClearlineError, type ErrorDetails } from "../errors";

/** Why the clearing refused its input (details.reason of an INVALID_INPUT). */
export type ClearingInputReason =
  | "CLEARING_TOO_MANY_ENTRIES"
  | "CLEARING_OUT_OF_RANGE"
  | "CLEARING_NOT_A_PARTICIPANT"
  | "CLEARING_SAME_BROKER"
  | "CLEARING_DUPLICATE_ENTRY"
  | "CLEARING_BAD_HEX"
  | "CLEARING_THRESHOLDS_UNORDERED"
  | "CLEARING_PRICE_NOT_POSITIVE"
  | "CLEARING_UNKNOWN_MARKET";

/** An INVALID_INPUT ClearlineError whose details carry the clearing's reason. */
export function clearingInputError(reason: ClearingInputReason, message: string, details: ErrorDetails = {}) {
  return new ClearlineError("INVALID_INPUT", message, { reason, ...details });
}

/** Throws CLEARING_OUT_OF_RANGE unless 0 <= value < 2^bits. */
export function assertUint(field: string, value: bigint, bits: number): void {
  if (value < 0n || value >> BigInt(bits) !== 0n)
    throw clearingInputError("CLEARING_OUT_OF_RANGE", `${field} is not a uint${bits}`, { field, value, bits });
}
