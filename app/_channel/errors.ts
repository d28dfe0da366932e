/**
 * Channel-specific wording on top of the shared describeError (app/_components/errors.ts): what
 * went wrong and what to do, as one line for inline errors.
 */
import { TRPCClientError } from "@trpc/client";
import type { ErrorCode } from "@/core/errors";
import { describeError as describeShared, errorCodeOf } from "../_components/errors";

export function clearlineCodeOf(e: unknown): ErrorCode | null {
  if (e instanceof TRPCClientError)
    return errorCodeOf(
      (e.data as { clearline?: { clearlineCode: string } | null } | undefined)?.clearline?.clearlineCode,
    );
  return null;
}

/** Where the channel screen says more than the shared hint. */
const CHANNEL_HINTS: Partial<Record<ErrorCode, string>> = {
  CONFLICT: "Wait until the pending withdrawal or close is confirmed on-chain (see Channel status), then retry.",
  CHANNEL_NOT_FOUND: "You have no channel yet: deposit to open one.",
  PRECONDITION_FAILED: "Do what the message asks first, then retry.",
};

/** One sentence of what went wrong plus what to do. */
export function describeError(e: unknown, action = "The request"): string {
  const d = describeShared(e);
  const msg =
    (e as { shortMessage?: string; message?: string } | null)?.shortMessage ?? (e as Error | null)?.message ?? "";
  if (!d.code && /chain ?id|network/i.test(msg) && /mismatch|does not match|match the/i.test(msg)) {
    return "Your wallet is on another network. Switch to the exchange's network (button in the header) and retry.";
  }
  if (!d.code && /insufficient funds/i.test(msg))
    return "Your wallet does not have enough ETH for gas. Top it up and retry.";
  if (!d.code && /rejected the request/.test(d.message))
    return `${action} was cancelled in your wallet. Nothing was sent; click again and confirm in the wallet.`;
  const hint = (d.code && CHANNEL_HINTS[d.code]) || d.hint || "Retry; if it keeps failing, reload the page.";
  const message = /[.!?]$/.test(d.message) ? d.message : `${d.message}.`;
  return `${message} ${hint}`;
}
