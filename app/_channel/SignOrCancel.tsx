"use client";
/** A withdrawal or close waiting for the trader's signature: sign it now, or cancel it (a replacement state to co-sign). */
import { useState } from "react";
import { toast } from "../_components/toast";
import { describeError } from "./errors";
import { awaitsTraderSignature, type ChannelStatus, type PendingRequest } from "./types";
import { useCoSignLatest } from "./useCoSign";

export type Unsigned = "request" | "cancel" | null;

/** What of the channel's pending operation `op` still needs the trader's signature. */
export function unsignedOf(
  channel: ChannelStatus,
  latest: ReturnType<typeof useCoSignLatest>["latest"],
  op: "RESIZE" | "CLOSE",
): Unsigned {
  if (!awaitsTraderSignature(channel, latest)) return null;
  // (an exchange top-up is a pending RESIZE too: it is co-signed with the next order, not here)
  if (channel.pendingOp === op) return op === "RESIZE" && channel.pendingPurpose !== "WITHDRAWAL" ? null : "request";
  // a cancelled close leaves the channel CLOSING; a cancelled withdrawal, ACTIVE
  if (channel.pendingOp === "CANCEL" && (channel.status === "CLOSING") === (op === "CLOSE")) return "cancel";
  return null;
}

/**
 * The exchange signed the request (or its cancellation) but the trader has not: sign it now, or
 * cancel the request instead.
 */
export function SignOrCancel({
  what,
  unsigned,
  testId,
  onDone,
  cancel,
}: {
  what: string;
  unsigned: Exclude<Unsigned, null>;
  testId: string;
  onDone: () => void;
  cancel: () => Promise<PendingRequest>;
}) {
  const cosign = useCoSignLatest();
  const [busy, setBusy] = useState<"sign" | "cancel" | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function act(kind: "sign" | "cancel") {
    setError(null);
    setBusy(kind);
    try {
      if (kind === "sign") await cosign.coSignLatest();
      else
        await cosign.coSignStates(
          (await cancel()).toSign.map((t) => ({ state: t.state, exchangeSignature: t.exchangeSignature })),
        );
      toast.info(
        kind === "sign" ? `${what} signed` : `Cancelling the ${what.toLowerCase()}`,
        "The exchange submits it on-chain; this updates once it is confirmed.",
      );
    } catch (e) {
      setError(
        describeError(
          e,
          kind === "sign" ? `Signing the ${what.toLowerCase()}` : `Cancelling the ${what.toLowerCase()}`,
        ),
      );
    } finally {
      setBusy(null);
      onDone();
    }
  }
  return (
    <div className="notice" role="status" data-testid={testId}>
      {unsigned === "request" ? (
        <>
          <p>
            Your {what.toLowerCase()} is waiting for your signature. Sign it, or cancel it to get your balance back in
            the channel.
          </p>
          <div className="ch-row">
            <button
              className="primary"
              onClick={() => void act("sign")}
              disabled={busy !== null}
              data-testid={`${testId}-sign`}
            >
              {busy === "sign" ? "Confirm in your wallet…" : `Sign ${what.toLowerCase()}`}
            </button>
            <button onClick={() => void act("cancel")} disabled={busy !== null} data-testid={`${testId}-cancel`}>
              {busy === "cancel" ? "Cancelling…" : `Cancel ${what.toLowerCase()}`}
            </button>
          </div>
        </>
      ) : (
        <>
          <p>The {what.toLowerCase()} is cancelled once you sign the replacement state.</p>
          <button
            className="primary"
            onClick={() => void act("sign")}
            disabled={busy !== null}
            data-testid={`${testId}-sign`}
          >
            {busy === "sign" ? "Confirm in your wallet…" : "Sign the replacement"}
          </button>
        </>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
