import { ClearlineError, type ErrorDetails } from "../errors/index";
import type { ENGINE_ERROR_CODES } from "../errors/engine";

/** A code from core/errors/engine.ts. */
export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

/** Why a command was refused: a named code, a short message and the values that failed. */
export interface Rejection {
  code: EngineErrorCode;
  message: string;
  details: ErrorDetails;
}

/** Build a rejection (the hot path returns these instead of throwing). */
export function rejection(code: EngineErrorCode, message: string, details: ErrorDetails = {}): Rejection {
  return { code, message, details };
}

/** The same rejection as a throwable ClearlineError, for callers that prefer exceptions. */
export function toClearlineError(r: Rejection): ClearlineError {
  return new ClearlineError(r.code, r.message, r.details);
}
