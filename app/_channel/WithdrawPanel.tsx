"use client";
/**
 * Partial withdrawal (channel.requestWithdraw → co-sign the RESIZE state and its predecessor →
 * the exchange submits custody.resize → the token arrives in the wallet); the cooperative close
 * is ClosePanel.tsx. Both show "pending" until the chain watcher has confirmed the transaction
 * (status.pendingOp clears).
 * A request whose state the trader has not co-signed (the wallet prompt was refused, the page
 * closed) offers to sign it now or to cancel it (channel.cancelWithdraw / cancelClose: a
 * replacement state to co-sign; the funds come back once the chain shows it).
 */
import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { erc20Abi, parseUnits, type Hex } from "viem";
import { useConnection, useReadContract } from "wagmi";
import { formatAmount } from "../_components/format";
import { toast } from "../_components/toast";
import { useTRPC } from "../_trpc/client";
import { usePublicConfig } from "../_wallet/public-config";
import { describeError } from "./errors";
import { type ChannelStatus } from "./types";
import { useCoSignLatest } from "./useCoSign";
import { useTokens } from "./useChannel";
import { SignOrCancel, unsignedOf } from "./SignOrCancel";

function WalletTokenBalance({
  token,
  testId,
}: {
  token: { address: `0x${string}`; symbol: string; decimals: number };
  testId: string;
}) {
  const cfg = usePublicConfig();
  const { address } = useConnection();
  const bal = useReadContract({
    address: token.address,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: address ? [address] : undefined,
    chainId: cfg.chain.id,
    query: { enabled: !!address, refetchInterval: 2_000 },
  });
  return (
    <span className="num" data-testid={testId}>
      {bal.data !== undefined ? formatAmount(bal.data, token.decimals, { maxFraction: 6 }) : "…"} {token.symbol}
    </span>
  );
}

export function WithdrawPanel({ channel, onChanged }: { channel: ChannelStatus; onChanged: () => void }) {
  const trpc = useTRPC();
  const tokens = useTokens();
  const cosign = useCoSignLatest();
  const request = useMutation(trpc.channel.requestWithdraw.mutationOptions());
  const cancel = useMutation(trpc.channel.cancelWithdraw.mutationOptions());
  const [tokenAddr, setTokenAddr] = useState(channel.funding[0]?.token ?? "");
  const [amount, setAmount] = useState("");
  const [phase, setPhase] = useState<"idle" | "request" | "sign" | "chain">("idle");
  const [error, setError] = useState<string | null>(null);
  const wasPending = useRef(false);
  const token = tokens.of(tokenAddr || channel.funding[0]?.token || "0x");
  const alloc = cosign.latest?.state.allocations.find((a) => a.token.toLowerCase() === tokenAddr.toLowerCase());
  const available = alloc?.traderAmount ?? 0n;

  // pending → confirmed: the chain watcher applied ChannelResized and the lock is released
  useEffect(() => {
    // only a pending RESIZE seen AFTER submitting counts: the status fetched before it may still say "none"
    if (phase === "chain" && channel.pendingOp === "RESIZE") wasPending.current = true;
    if (phase === "chain" && channel.pendingOp === null && wasPending.current) {
      wasPending.current = false;
      setPhase("idle");
      toast.success("Withdrawal confirmed", `The ${token.symbol} is in your wallet.`);
    }
  }, [channel.pendingOp, phase, token.symbol]);

  let parsed: bigint | null = null;
  let amountError: string | null = null;
  if (amount.trim()) {
    try {
      parsed = parseUnits(amount.trim(), token.decimals);
      if (parsed <= 0n) amountError = "Enter an amount above zero.";
      else if (parsed > available)
        amountError = `You have ${formatAmount(available, token.decimals)} ${token.symbol} in the channel.`;
    } catch {
      amountError = `Enter a number with at most ${token.decimals} decimals.`;
    }
  }
  const locked = channel.pendingOp !== null || channel.status !== "ACTIVE";
  const busy = phase === "request" || phase === "sign";
  const unsigned = busy ? null : unsignedOf(channel, cosign.latest, "RESIZE");

  async function submit() {
    setError(null);
    let requested = false;
    try {
      if (parsed === null || amountError) throw new Error(amountError ?? "Enter the amount to withdraw.");
      // co-sign what the exchange signed since the last time first (no prompt per fill)
      setPhase("sign");
      await cosign.coSignLatest();
      setPhase("request");
      const pending = await request.mutateAsync({ token: tokenAddr as Hex, amount: parsed });
      setPhase("sign");
      requested = true;
      await cosign.coSignStates(
        pending.toSign.map((t) => ({ state: t.state, exchangeSignature: t.exchangeSignature })),
      );
      wasPending.current = false;
      setPhase("chain");
      toast.info(
        "Withdrawal signed",
        "The exchange is submitting it on-chain; the tokens arrive once it is confirmed.",
      );
      setAmount("");
    } catch (e) {
      setPhase("idle");
      // requested but not signed: the request stays, and SignOrCancel says so and offers both
      setError(requested ? null : describeError(e, "The withdrawal"));
    } finally {
      onChanged();
    }
  }

  return (
    <form
      className="ch-form"
      aria-labelledby="withdraw-title"
      data-testid="withdraw-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3 id="withdraw-title">Withdraw to your wallet</h3>
      <div className="ch-row">
        <label className="ch-field">
          <span>Token</span>
          <select
            value={tokenAddr}
            onChange={(e) => setTokenAddr(e.target.value)}
            disabled={busy}
            data-testid="withdraw-token"
          >
            {channel.funding.map((f) => (
              <option key={f.token} value={f.token}>
                {tokens.of(f.token).symbol}
              </option>
            ))}
          </select>
        </label>
        <label className="ch-field grow">
          <span>
            Amount{" "}
            <span className="muted num">
              (in channel: {formatAmount(available, token.decimals, { maxFraction: 6 })})
            </span>
          </span>
          <span className="ch-input-row">
            <input
              inputMode="decimal"
              autoComplete="off"
              placeholder="0.00"
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              disabled={busy || locked}
              aria-invalid={!!amountError}
              data-testid="withdraw-amount"
            />
            <button
              type="button"
              onClick={() => setAmount(formatAmount(available, token.decimals, { group: false }))}
              disabled={busy || locked}
            >
              Max
            </button>
          </span>
        </label>
      </div>
      {amountError && <p className="error-text">{amountError}</p>}
      <p className="muted ch-small">
        Wallet balance: <WalletTokenBalance token={token} testId="withdraw-wallet-balance" />
      </p>
      <button
        type="submit"
        className="primary wide"
        disabled={busy || locked || !parsed || !!amountError}
        data-testid="withdraw-submit"
      >
        {phase === "request" ? "Requesting…" : phase === "sign" ? "Confirm in your wallet…" : "Withdraw"}
      </button>
      {unsigned !== null ? (
        <SignOrCancel
          what="Withdrawal"
          unsigned={unsigned}
          testId="withdraw-unsigned"
          onDone={onChanged}
          cancel={() => cancel.mutateAsync()}
        />
      ) : (
        (phase === "chain" ||
          channel.pendingPurpose === "WITHDRAWAL" ||
          (channel.pendingOp === "CANCEL" && channel.status === "ACTIVE")) && (
          <p className="notice" role="status" data-testid="withdraw-pending">
            <span className="spinner" aria-hidden />{" "}
            {channel.pendingOp === "CANCEL"
              ? "Cancelling the withdrawal: waiting for the chain to confirm the replacement state."
              : "Withdrawal pending: waiting for the chain to confirm the resize the exchange submitted."}
          </p>
        )
      )}
      {locked && channel.pendingOp === null && channel.status !== "ACTIVE" && (
        <p className="muted">Withdrawals need an active channel.</p>
      )}
      {error && (
        <p className="error-text" role="alert" data-testid="withdraw-error">
          {error}
        </p>
      )}
    </form>
  );
}
