/**
 * One place that turns any error the app meets (tRPC with a Clearline code, zod issues, wallet
 * rejections, network failures) into what went wrong and what to do about it.
 */
import { TRPCClientError } from "@trpc/client";
import { ERROR_CODES, type ErrorCode } from "@/core/errors";

export interface DescribedError {
  /** what went wrong, one sentence */
  message: string;
  /** what the user can do about it */
  hint: string | null;
  /** the Clearline error code when the server sent one (for tests and support) */
  code: ErrorCode | null;
}

/**
 * What to do, per Clearline code; the server's message already says what went wrong. Complete by
 * type: a new code does not compile until someone decides what a person should do about it (null:
 * the message is all there is, e.g. ops-console refusals whose message names the fix).
 */
export const HINTS: Record<ErrorCode, string | null> = {
  INVALID_INPUT: "Correct the field named in the message and try again.",
  NOT_FOUND: "It no longer exists; refresh the page.",
  MARKET_EXISTS: null,
  MARKET_CONFIG_INVALID: null,
  ASSET_DECIMALS_MISMATCH: null,
  ASSET_NOT_FOUND: "Pick an asset that one of the markets lists.",
  MARKET_PARAM_IMMUTABLE: null,
  MARKET_UPDATE_NO_CHANGE: null,
  ACCOUNT_RESERVED: "Use your own wallet address.",
  AMOUNT_NOT_POSITIVE: "Enter an amount above zero.",
  ORDER_INVALID: "Check the order's type, price and size, then try again.",
  SIZE_OUT_OF_RANGE: "Enter a size within the market's limits.",
  FUNDING_NOT_DUE: null,
  TOO_MANY_TRIGGERS: "Cancel some of your stop or TP/SL orders before adding more.",
  CHANNEL_STATE_INVALID: "Refresh the channel screen and sign the latest state.",
  CHANNEL_ALLOCATIONS_NOT_CONSERVED: "Refresh the channel screen and sign the latest state.",
  CHANNEL_INTENT_INVALID: "Refresh the channel screen and sign the latest state.",
  CHANNEL_ID_MISMATCH: "Refresh the channel screen: the state belongs to another channel.",
  CHANNEL_NOT_OPENING: "The channel is no longer waiting for its deposit; refresh the channel screen.",
  OPENING_FUNDED_ON_CHAIN: null,
  UNAUTHORIZED: "Sign in with your wallet (button at the top right) and try again.",
  FORBIDDEN: "This account is not allowed to do that. Sign in with another account.",
  RATE_LIMITED: "Too many requests: wait a few seconds and try again.",
  PAYLOAD_TOO_LARGE: "The request is too large: send less at once.",
  CONFLICT: "Someone changed this at the same time: refresh and try again.",
  IDEMPOTENCY_KEY_REUSED: "This request was already sent with different contents; submit it again.",
  PRECONDITION_FAILED: "Your channel or account is not ready for this yet; check the channel screen.",
  UNAVAILABLE: "The exchange is temporarily unavailable; try again in a moment.",
  INTERNAL: "Something broke on our side; try again, and report it if it keeps happening.",
  MARKET_NOT_FOUND: "Pick a market from the markets list.",
  INSUFFICIENT_BALANCE: "Lower the size or deposit more into your channel.",
  INSUFFICIENT_MARGIN: "Lower the size, lower the leverage, or deposit more collateral.",
  WITHDRAW_EXCEEDS_FREE_COLLATERAL: "Withdraw less, or close positions / cancel orders to free collateral.",
  NEGATIVE_EQUITY: "Your account has negative equity; deposit to cover it.",
  PRICE_NOT_POSITIVE: "Enter a price above zero.",
  PRICE_NOT_ON_TICK: "Use a price that is a multiple of the market's tick size.",
  PRICE_OUT_OF_RANGE: "Use a price closer to the current mark price.",
  SIZE_NOT_POSITIVE: "Enter a size above zero.",
  SIZE_NOT_ON_LOT: "Use a size that is a multiple of the market's lot size.",
  NOTIONAL_BELOW_MINIMUM: "Increase the size: the order is below the market's minimum value.",
  PERP_ONLY: "That option only exists on perpetual markets.",
  ORDER_NOT_FOUND: "The order is no longer open (filled or cancelled); refresh your orders.",
  ORDER_NOT_OWNED: "You can only change your own orders.",
  POST_ONLY_WOULD_TAKE: "A post-only order must not cross the book: move the price away from the best opposite price.",
  FOK_NOT_FILLABLE: "The book cannot fill the whole size now: lower the size or use IOC.",
  REDUCE_ONLY_WOULD_INCREASE: "A reduce-only order must be opposite to your position and not larger than it.",
  AMEND_NO_CHANGE: "Change the price or the size before amending.",
  MARK_PRICE_UNAVAILABLE: "The market has no mark price yet; try again in a moment.",
  TRIGGER_PRICE_INVALID: "Take-profit must be on the profitable side of the price and stop-loss on the losing side.",
  STOP_WRONG_SIDE:
    "A buy stop triggers above the current price and a sell stop below it; move the trigger, or use a limit or market order to trade now.",
  NO_POSITION: "You have no position in this market.",
  CHANNEL_NOT_FOUND: "Open a channel first on the channel screen.",
  CHANNEL_SIGNATURE_INVALID: "The signature did not match: sign again with the connected wallet.",
  CHANNEL_VERSION_NOT_NEWER: "A newer state exists already; refresh and sign the latest.",
};

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/** The Clearline code a server answer carries, or null for anything else (a tRPC code, a missing field). */
export function errorCodeOf(value: unknown): ErrorCode | null {
  return typeof value === "string" && KNOWN_CODES.has(value) ? (value as ErrorCode) : null;
}

/** Describe any thrown value for a person. */
export function describeError(error: unknown): DescribedError {
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as {
      clearline?: { clearlineCode: string; details: Record<string, unknown> } | null;
      zodIssues?: { path: string; message: string }[] | null;
      code?: string;
    };
    const code = errorCodeOf(data.clearline?.clearlineCode);
    if (data.zodIssues?.length) {
      const first = data.zodIssues[0]!;
      return {
        message: `${first.path ? `${first.path}: ` : ""}${first.message}`,
        hint: "Correct the highlighted field and try again.",
        code: code ?? "INVALID_INPUT",
      };
    }
    if (code) return { message: error.message, hint: HINTS[code], code };
    if (data.code === "UNAUTHORIZED")
      return { message: "You are not signed in.", hint: HINTS.UNAUTHORIZED, code: "UNAUTHORIZED" };
    if (/fetch|network|Failed to/i.test(error.message)) {
      return {
        message: "The exchange could not be reached.",
        hint: "Check your connection; the page retries on its own.",
        code: null,
      };
    }
    return { message: error.message, hint: null, code: errorCodeOf(data.code) };
  }
  const e = error as { code?: number; shortMessage?: string; message?: string; name?: string } | null;
  // EIP-1193 4001 / viem UserRejectedRequestError: the user said no in the wallet.
  if (
    e &&
    (e.code === 4001 ||
      e.name === "UserRejectedRequestError" ||
      /reject|denied/i.test(e.shortMessage ?? e.message ?? ""))
  ) {
    return {
      message: "You rejected the request in your wallet.",
      hint: "Nothing was sent. Try again and confirm in the wallet.",
      code: null,
    };
  }
  if (e && e.code === 4100)
    return { message: "The wallet has not authorized this site.", hint: "Connect the wallet again.", code: null };
  const message = (e?.shortMessage ?? e?.message ?? String(error)).split("\n")[0] ?? "Unknown error";
  return { message, hint: null, code: null };
}
