/** Error codes of the channel core (core/channel). */
export const CHANNEL_ERROR_CODES = [
  "CHANNEL_NOT_FOUND",
  /** malformed state: unsorted or duplicate tokens, too many assets, version out of range, bad hex */
  "CHANNEL_STATE_INVALID",
  /** malformed signature (not 65 bytes, high s, bad v) or signed by someone else */
  "CHANNEL_SIGNATURE_INVALID",
  /** a state's version is not above the latest one */
  "CHANNEL_VERSION_NOT_NEWER",
  /** allocations do not sum to the channel's funding per token */
  "CHANNEL_ALLOCATIONS_NOT_CONSERVED",
  /** the intent is not allowed here (e.g. anything after CLOSE, INITIALIZE above version 0) */
  "CHANNEL_INTENT_INVALID",
  /** the state names another channel */
  "CHANNEL_ID_MISMATCH",
] as const;
