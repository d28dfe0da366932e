/** The verdict on a pending submission: what the chain's record of the channel allows (judge), and what a failed send means. */
import { BaseError, ContractFunctionRevertedError } from "viem";
import { fundingOf, type ChannelState } from "../../core/channel";
import { fundingHashOf, type OnChainChannel } from "./chain";
import { SubmissionRevertedError } from "./submitter";

export type PendingOp = "RESIZE" | "CLOSE" | "CANCEL";

export type Verdict =
  | { kind: "submit" }
  | { kind: "onChain"; reason: string }
  | { kind: "wait"; reason: string }
  | { kind: "failed"; reason: string }
  | { kind: "refused"; reason: string };

/** How messages name each pending operation. */
export const OP_NAME: Record<PendingOp, string> = {
  RESIZE: "resize",
  CLOSE: "close",
  CANCEL: "checkpoint of the cancelled withdrawal's replacement",
};

/** What a pending operation can do, given the channel's record on-chain (submissions.ts's module comment lists the verdicts). */
export function judge(
  op: PendingOp,
  version: bigint,
  previous: ChannelState | null,
  next: ChannelState,
  chain: OnChainChannel,
): Verdict {
  const what = `${OP_NAME[op]} v${version}`;
  // every call needs version > registered: the chain at or past it means it (or something newer) is registered
  if (chain.version >= version)
    return { kind: "onChain", reason: `the chain has v${chain.version} registered (${chain.status})` };
  if (chain.status === "CLOSED") {
    return {
      kind: "failed",
      reason: `${what} can never apply: the channel was closed on-chain at v${chain.version} (the lock is released when the chain watcher reports the close)`,
    };
  }
  if (chain.status === "NONE")
    return { kind: "refused", reason: `${what}: the custody contract has no channel ${next.channelId}` };
  if (chain.status === "CHALLENGED") {
    if (chain.chainTime >= chain.challengeDeadline) {
      return {
        kind: "failed",
        reason: `${what} can never apply: the challenge at v${chain.version} expired at ${chain.challengeDeadline}; only conclude remains`,
      };
    }
    // close and resize may answer a running challenge; checkpoint may not (the watchtower answers with the newest co-signed state)
    if (op === "CANCEL")
      return {
        kind: "wait",
        reason: `the channel is challenged at v${chain.version} until ${chain.challengeDeadline}: checkpoint waits`,
      };
  }
  // the funding the call must find registered: the predecessor's for a resize, the state's own for close and checkpoint
  const wanted = fundingHashOf(fundingOf(op === "RESIZE" ? previous! : next));
  if (chain.fundingHash.toLowerCase() === wanted.toLowerCase()) return { kind: "submit" };
  if (
    op === "CANCEL" &&
    previous &&
    chain.fundingHash.toLowerCase() === fundingHashOf(fundingOf(previous)).toLowerCase()
  ) {
    return { kind: "onChain", reason: `the cancelled withdrawal v${previous.version} was mined first: it completes` };
  }
  return {
    kind: "refused",
    reason: `${what}: the funding registered on-chain (v${chain.version}) is not the one the state builds on`,
  };
}

/** The custom error (with its values) a revert carries, or the error's short message. */
export function describeFailure(error: unknown): string {
  if (error instanceof BaseError) {
    const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError) {
      const name = revert.data?.errorName ?? revert.reason ?? revert.signature ?? "unknown error";
      const args = revert.data?.args?.map((a) => String(a)).join(", ");
      return args === undefined ? name : `${name}(${args})`;
    }
    return error.shortMessage;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Whether the send failed because the contract reverted (not the RPC, not a timeout). */
export function isRevert(error: unknown): boolean {
  if (error instanceof SubmissionRevertedError) return true;
  return (
    error instanceof BaseError &&
    error.walk((e) => e instanceof ContractFunctionRevertedError) instanceof ContractFunctionRevertedError
  );
}
