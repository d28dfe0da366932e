"use client";
/** Cooperative close: channel.requestClose → co-sign the CLOSE state → custody.close pays the wallet; "pending" until the chain watcher confirms it. */
import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { toast } from "../_components/toast";
import { useTRPC } from "../_trpc/client";
import { describeError } from "./errors";
import { type ChannelStatus } from "./types";
import { useCoSignLatest } from "./useCoSign";
import { SignOrCancel, unsignedOf } from "./SignOrCancel";

export function ClosePanel({ channel, onChanged }: { channel: ChannelStatus; onChanged: () => void }) {
  const trpc = useTRPC();
  const cosign = useCoSignLatest();
  const request = useMutation(trpc.channel.requestClose.mutationOptions());
  const cancel = useMutation(trpc.channel.cancelClose.mutationOptions());
  const [confirming, setConfirming] = useState(false);
  const [phase, setPhase] = useState<"idle" | "request" | "sign" | "chain">("idle");
  const [error, setError] = useState<string | null>(null);
  const closing = channel.status === "CLOSING" || channel.pendingOp === "CLOSE";
  const unsigned = phase === "request" || phase === "sign" ? null : unsignedOf(channel, cosign.latest, "CLOSE");

  useEffect(() => {
    if (phase === "chain" && channel.status === "CLOSED") {
      setPhase("idle");
      toast.success("Channel closed", "Your balance was paid to your wallet.");
    }
  }, [channel.status, phase]);

  // a close that was cancelled (or refused in the wallet and cancelled): the channel is active again
  const wasClosing = useRef(false);
  useEffect(() => {
    if (channel.status === "CLOSING") wasClosing.current = true;
    else if (channel.status === "ACTIVE" && wasClosing.current) {
      wasClosing.current = false;
      setPhase("idle");
      setConfirming(false);
      toast.success("Close cancelled", "Your balance is back in the channel.");
    }
  }, [channel.status]);

  async function close() {
    setError(null);
    let requested = false;
    try {
      setPhase("sign");
      await cosign.coSignLatest();
      setPhase("request");
      const pending = await request.mutateAsync();
      setPhase("sign");
      requested = true;
      await cosign.coSignStates(
        pending.toSign.map((t) => ({ state: t.state, exchangeSignature: t.exchangeSignature })),
      );
      setPhase("chain");
      setConfirming(false);
      toast.info("Close signed", "The exchange is settling it on-chain; your balance is paid to your wallet.");
    } catch (e) {
      setPhase("idle");
      // requested but not signed: the request stays, and SignOrCancel says so and offers both
      setError(requested ? null : describeError(e, "Closing"));
    } finally {
      onChanged();
    }
  }

  return (
    <div className="ch-form" aria-labelledby="close-title" data-testid="close-panel">
      <h3 id="close-title">Close the channel</h3>
      <p className="muted ch-small">
        Pays your whole channel balance to your wallet. Close every position and cancel every order first.
      </p>
      {unsigned !== null ? (
        <SignOrCancel
          what="Close"
          unsigned={unsigned}
          testId="close-unsigned"
          onDone={onChanged}
          cancel={() => cancel.mutateAsync()}
        />
      ) : closing || phase === "chain" ? (
        <p className="notice" role="status" data-testid="close-pending">
          <span className="spinner" aria-hidden />{" "}
          {channel.pendingOp === "CANCEL"
            ? "Cancelling the close: waiting for the chain to confirm the replacement state."
            : "Close pending: waiting for the chain to confirm."}
        </p>
      ) : confirming ? (
        <div className="ch-row">
          <button
            className="danger"
            onClick={close}
            disabled={phase !== "idle" || channel.status !== "ACTIVE"}
            data-testid="close-confirm"
          >
            {phase === "request"
              ? "Requesting…"
              : phase === "sign"
                ? "Confirm in your wallet…"
                : "Yes, close and pay out"}
          </button>
          <button onClick={() => setConfirming(false)} disabled={phase !== "idle"}>
            Cancel
          </button>
        </div>
      ) : (
        <button
          onClick={() => setConfirming(true)}
          disabled={channel.status !== "ACTIVE" || channel.pendingOp !== null}
          data-testid="close-start"
        >
          Close channel…
        </button>
      )}
      {error && (
        <p className="error-text" role="alert" data-testid="close-error">
          {error}
        </p>
      )}
    </div>
  );
}
