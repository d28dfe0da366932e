/** Turns tRPC, wallet and chain errors into one line that says what went wrong and what to do. */
import { TRPCClientError } from "@trpc/client";

interface ClearlineData {
  clearline?: { clearlineCode: string; details: Record<string, unknown> } | null;
  zodIssues?: { path: string; message: string }[] | null;
}

export function clearlineCodeOf(e: unknown): string | null {
  if (e instanceof TRPCClientError) return ((e.data as ClearlineData | undefined)?.clearline?.clearlineCode) ?? null;
  return null;
}

export function describeError(e: unknown, action = "The request"): string {
  if (e instanceof TRPCClientError) {
    const data = e.data as (ClearlineData & { code?: string }) | undefined;
    const code = data?.clearline?.clearlineCode;
    if (data?.zodIssues?.length) return `${action} was refused: ${data.zodIssues.map((i) => `${i.path || "input"} ${i.message}`).join("; ")}. Correct it and try again.`;
    if (data?.code === "UNAUTHORIZED") return "Your session has ended. Sign in again with your wallet, then retry.";
    switch (code) {
      case "CHANNEL_NOT_FOUND":
        return "You have no channel yet. Deposit to open one.";
      case "CONFLICT":
        return `${e.message}. Wait until the pending operation is confirmed on-chain, then retry.`;
      case "PRECONDITION_FAILED":
        return `${e.message}.`;
      case "CHANNEL_SIGNATURE_INVALID":
        return `The exchange rejected the signature (${e.message}). Make sure the wallet account is the signed-in account and on the right network, then sign again.`;
      case "RATE_LIMITED":
        return "Too many requests. Wait a few seconds and retry.";
      case "UNAVAILABLE":
        return `${e.message}. The exchange is temporarily unavailable; retry in a moment.`;
    }
    if (e.message === "Failed to fetch" || /fetch|network/i.test(e.message)) {
      return "The exchange is not reachable. Check your connection and retry; your funds stay safe in the custody contract (see Dispute).";
    }
    return `${e.message}${/[.!?]$/.test(e.message) ? "" : "."} Retry; if it persists, reload the page.`;
  }
  const err = e as { name?: string; shortMessage?: string; message?: string; code?: number } | null;
  const msg = err?.shortMessage ?? err?.message ?? String(e);
  if (err?.name === "UserRejectedRequestError" || err?.code === 4001 || /user (rejected|denied)/i.test(msg)) {
    return `${action} was cancelled in your wallet. Click again and approve it to continue.`;
  }
  if (/chain|network/i.test(msg) && /mismatch|does not match|switch/i.test(msg)) return "Your wallet is on another network. Switch to the exchange's network (button in the header) and retry.";
  if (/insufficient funds/i.test(msg)) return "Your wallet does not have enough ETH for gas. Top it up and retry.";
  return `${msg.split("\n")[0]}${/[.!?]$/.test(msg.split("\n")[0] ?? "") ? "" : "."} Retry, or reload the page if it persists.`;
}
