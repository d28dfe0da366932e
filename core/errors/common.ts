/** Error codes every area may raise. */
export const COMMON_ERROR_CODES = [
  "INVALID_INPUT",
  "NOT_FOUND",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "RATE_LIMITED",
  "CONFLICT",
  "IDEMPOTENCY_KEY_REUSED",
  "PRECONDITION_FAILED",
  "UNAVAILABLE",
  "INTERNAL",
] as const;
