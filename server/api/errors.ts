/**
 * The one map from Clearline error codes to tRPC error codes. The compiler checks the table
 * is complete: a new code in core/errors/* does not build until it is mapped here.
 */
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { CHANNEL_ERROR_CODES } from "../../core/errors/channel";
import { CHANNEL_SERVICE_ERROR_CODES } from "../../core/errors/channel-service";
import { ENGINE_ERROR_CODES } from "../../core/errors/engine";
import { ClearlineError, type ErrorCode, type ErrorDetails } from "../../core/errors";

type CommonCode =
  | "INVALID_INPUT"
  | "NOT_FOUND"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "RATE_LIMITED"
  | "PAYLOAD_TOO_LARGE"
  | "CONFLICT"
  | "IDEMPOTENCY_KEY_REUSED"
  | "PRECONDITION_FAILED"
  | "UNAVAILABLE"
  | "INTERNAL";

const COMMON: Record<CommonCode, TRPC_ERROR_CODE_KEY> = {
  INVALID_INPUT: "BAD_REQUEST",
  NOT_FOUND: "NOT_FOUND",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  CONFLICT: "CONFLICT",
  IDEMPOTENCY_KEY_REUSED: "UNPROCESSABLE_CONTENT",
  PRECONDITION_FAILED: "PRECONDITION_FAILED",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
  INTERNAL: "INTERNAL_SERVER_ERROR",
};

/** Area codes are rejections of a well-formed request (BAD_REQUEST) unless listed here. */
const AREA_OVERRIDES: Partial<Record<ErrorCode, TRPC_ERROR_CODE_KEY>> = {
  MARKET_NOT_FOUND: "NOT_FOUND",
  CHANNEL_NOT_FOUND: "NOT_FOUND",
  CHANNEL_NOT_OPENING: "PRECONDITION_FAILED",
  OPENING_FUNDED_ON_CHAIN: "PRECONDITION_FAILED",
};

export const TRPC_CODE_BY_ERROR: Record<ErrorCode, TRPC_ERROR_CODE_KEY> = {
  ...(Object.fromEntries(
    [...ENGINE_ERROR_CODES, ...CHANNEL_ERROR_CODES, ...CHANNEL_SERVICE_ERROR_CODES].map((c) => [
      c,
      AREA_OVERRIDES[c] ?? "BAD_REQUEST",
    ]),
  ) as Record<
    | (typeof ENGINE_ERROR_CODES)[number]
    | (typeof CHANNEL_ERROR_CODES)[number]
    | (typeof CHANNEL_SERVICE_ERROR_CODES)[number],
    TRPC_ERROR_CODE_KEY
  >),
  ...COMMON,
};

/** What the client sees of a Clearline error besides the message. */
export interface ClearlineErrorData {
  clearlineCode: ErrorCode;
  details: Record<string, string | number | boolean | null>;
}

/** Turn a ClearlineError into a TRPCError carrying it as the cause; other errors pass through. */
export function toTRPCError(error: unknown): unknown {
  if (error instanceof ClearlineError) {
    return new TRPCError({ code: TRPC_CODE_BY_ERROR[error.code], message: error.message, cause: error });
  }
  return error;
}

/** bigint details become decimal strings so every client can read them. */
export function publicDetails(details: ErrorDetails): ClearlineErrorData["details"] {
  return Object.fromEntries(Object.entries(details).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]));
}
