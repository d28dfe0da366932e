import { CHANNEL_ERROR_CODES } from "./channel";
import { CHANNEL_SERVICE_ERROR_CODES } from "./channel-service";
import { COMMON_ERROR_CODES } from "./common";
import { ENGINE_ERROR_CODES } from "./engine";

/**
 * Every error code Clearline can answer with. Each area lists its own codes in its own file;
 * server/api/errors.ts maps each one to a tRPC code in a table the compiler checks is complete.
 */
export const ERROR_CODES = [
  ...COMMON_ERROR_CODES,
  ...ENGINE_ERROR_CODES,
  ...CHANNEL_ERROR_CODES,
  ...CHANNEL_SERVICE_ERROR_CODES,
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Values that explain a failure (the price and the tick, the versions, …); bigint allowed. */
export type ErrorDetails = Readonly<Record<string, string | number | bigint | boolean | null>>;

/** An error with a stable code, a short message and the values that failed. */
/** Brand shared by every copy of this module (Next.js bundles it separately for instrumentation and route handlers). */
const CLEARLINE_ERROR = Symbol.for("clearline.ClearlineError");

export class ClearlineError extends Error {
  override readonly name = "ClearlineError";
  /** `instanceof` across module copies: a service started from instrumentation.ts throws another copy's class. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === "object" &&
      value !== null &&
      (value as { [CLEARLINE_ERROR]?: unknown })[CLEARLINE_ERROR] === true
    );
  }
  readonly [CLEARLINE_ERROR] = true;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isClearlineError(value: unknown): value is ClearlineError {
  return value instanceof ClearlineError;
}
