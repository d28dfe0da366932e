"use client";
/**
 * Deposit = open a channel: the exchange prepares and signs the INITIALIZE state (v0), the
 * trader co-signs it, approves the token, and calls custody.depositAndOpen. The screen follows
 * the transaction from "in the wallet" to mined, then counts confirmations until the exchange
 * has applied the ChannelOpened event and the channel is ACTIVE. An OPENING channel left
 * half-way (page closed, wallet cancelled) is resumed from its stored v0 state.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { erc20Abi, parseUnits, type Address, type Hash, type Hex } from "viem";
import { useBlockNumber, useConnection, usePublicClient, useReadContract } from "wagmi";
import { custodyAbi, demoTokenAbi } from "@/contracts/generated";
import { formatAmount } from "../_components/format";
import { toast } from "../_components/toast";
import { useTRPC, useTRPCClient } from "../_trpc/client";
import { usePublicConfig } from "../_wallet/public-config";
import { toAbiState, useSendAndWait } from "./chain";
import { describeError } from "./errors";
import { loadCoSigned } from "./storage";
import { toChannelState, type ChannelStatus } from "./types";
import { useCoSignLatest } from "./useCoSign";

type Step = "idle" | "prepare" | "sign" | "approve" | "deposit" | "confirm" | "done";
const STEPS: { key: Step; label: string }[] = [
  { key: "prepare", label: "Exchange prepares the opening state" },
  { key: "sign", label: "You co-sign the opening state (v0)" },
  { key: "approve", label: "You approve the token for the custody contract" },
  { key: "deposit", label: "You send depositAndOpen" },
  { key: "confirm", label: "Confirmations on-chain" },
];

export function DepositPanel({
  available,
  opening,
  channelStatus,
  onChanged,
}: {
  available: boolean;
  opening: ChannelStatus | null;
  channelStatus: ChannelStatus["status"] | null;
  onChanged: () => void;
}) {
  const cfg = usePublicConfig();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const connection = useConnection();
  const cosign = useCoSignLatest();
  const { send } = useSendAndWait();
  const publicClient = usePublicClient({ chainId: cfg.chain.id });
  const prepareOpen = useMutation(trpc.channel.prepareOpen.mutationOptions());
  const [tokenAddr, setTokenAddr] = useState<string>(cfg.tokens[0]?.address ?? "");
  const [amount, setAmount] = useState("");
  const [step, setStep] = useState<Step>("idle");
  const [txHash, setTxHash] = useState<Hash | null>(null);
  const [minedBlock, setMinedBlock] = useState<bigint | null>(null);
  const [error, setError] = useState<string | null>(null);
  const head = useBlockNumber({
    chainId: cfg.chain.id,
    watch: true,
    query: { enabled: minedBlock !== null, refetchInterval: 1_000 },
  });
  const token = cfg.tokens.find((t) => t.address === tokenAddr) ?? cfg.tokens[0];
  const walletBalance = useReadContract({
    address: token?.address,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: connection.address ? [connection.address] : undefined,
    chainId: cfg.chain.id,
    query: { enabled: !!connection.address && !!token, refetchInterval: 4_000 },
  });

  // the channel became ACTIVE: the flow is complete
  useEffect(() => {
    if (step === "confirm" && channelStatus === "ACTIVE") {
      setStep("done");
      toast.success("Channel open", "Your deposit is confirmed and credited. You can trade now.");
    }
  }, [channelStatus, step]);

  if (!token) return <p className="muted">No tokens are deployed on this chain yet.</p>;

  let parsed: bigint | null = null;
  let amountError: string | null = null;
  if (amount.trim()) {
    try {
      parsed = parseUnits(amount.trim(), token.decimals);
      if (parsed <= 0n) amountError = "Enter an amount above zero.";
      else if (walletBalance.data !== undefined && parsed > walletBalance.data)
        amountError = `Your wallet holds only ${formatAmount(walletBalance.data, token.decimals)} ${token.symbol}.`;
    } catch {
      amountError = `Enter a number with at most ${token.decimals} decimals.`;
    }
  }

  const busy = step !== "idle" && step !== "done" && !(step === "confirm" && error);
  // an OPENING channel found when no flow runs here: finish it (during a flow it is this flow's own channel)
  const resuming = opening?.status === "OPENING" && (step === "idle" || step === "done");

  async function run() {
    setError(null);
    setTxHash(null);
    setMinedBlock(null);
    try {
      if (!connection.address) throw new Error("Connect your wallet first (button in the header).");
      if (!cfg.custody) throw new Error("The custody contract is not deployed on this chain yet.");
      let state, exchangeSignature: Hex, nonce: bigint, approvals: { token: Address; amount: bigint }[];
      if (resuming) {
        // finish the channel that was prepared before
        setStep("prepare");
        const latest = await client.channel.latestState.query({ channelId: opening.channelId as Hex });
        state = toChannelState(latest.latest.state);
        exchangeSignature = latest.latest.exchangeSignature as Hex;
        nonce = opening.nonce;
        approvals = state.allocations.map((a) => ({ token: a.token, amount: a.traderAmount }));
      } else {
        if (parsed === null || amountError) throw new Error(amountError ?? "Enter the amount to deposit.");
        setStep("prepare");
        const prepared = await prepareOpen.mutateAsync({ deposits: [{ token: token!.address, amount: parsed }] });
        state = toChannelState(prepared.state);
        exchangeSignature = prepared.exchangeSignature as Hex;
        nonce = prepared.nonce;
        approvals = prepared.depositAndOpen.approvals.map((a) => ({ token: a.token as Address, amount: a.amount }));
        await queryClient.invalidateQueries({ queryKey: trpc.account.channelPresence.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.channel.status.queryKey() });
      }
      setStep("sign");
      const stored = loadCoSigned(cfg.chain.id, cfg.custody, state.channelId);
      const traderSignature =
        stored && stored.state.version === 0n
          ? stored.traderSignature
          : (
              await cosign.coSignStates([
                { state: { ...state, allocations: [...state.allocations] }, exchangeSignature },
              ])
            )[0]!;
      setStep("approve");
      for (const a of approvals) {
        const allowance = await publicClient!.readContract({
          address: a.token,
          abi: erc20Abi,
          functionName: "allowance",
          args: [connection.address, cfg.custody],
        });
        if (allowance < a.amount)
          await send({
            address: a.token,
            abi: demoTokenAbi,
            functionName: "approve",
            args: [cfg.custody, a.amount],
            chainId: cfg.chain.id,
          });
      }
      setStep("deposit");
      const receipt = await send(
        {
          address: cfg.custody,
          abi: custodyAbi,
          functionName: "depositAndOpen",
          args: [
            connection.address,
            nonce,
            toAbiState(state),
            { trader: traderSignature, exchange: exchangeSignature },
          ],
          chainId: cfg.chain.id,
        },
        setTxHash,
      );
      setMinedBlock(receipt.blockNumber);
      setStep("confirm");
      toast.info(
        "Deposit mined",
        `Waiting for ${cfg.chain.confirmations} confirmation${cfg.chain.confirmations === 1 ? "" : "s"} before the exchange credits it.`,
      );
      setAmount("");
      onChanged();
    } catch (e) {
      setError(describeError(e, "The deposit"));
      setStep((s) => (s === "confirm" ? s : "idle"));
      onChanged();
    }
  }

  const confirmations = minedBlock !== null && head.data !== undefined ? Number(head.data - minedBlock) : null;
  const activeIndex = STEPS.findIndex((s) => s.key === step);

  if (!available && (step === "idle" || step === "done")) {
    return step === "done" ? (
      <section className="panel" aria-label="Deposit">
        <p className="ch-ok" role="status" data-testid="deposit-done">
          ✓ Channel active. Your deposit is confirmed and credited.{" "}
          <button className="link-button" onClick={() => setStep("idle")}>
            Dismiss
          </button>
        </p>
      </section>
    ) : null;
  }

  return (
    <section className="panel" aria-label="Deposit">
      <form
        className="ch-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
        aria-labelledby="deposit-title"
        data-testid="deposit-form"
      >
        <h3 id="deposit-title">{resuming ? "Finish opening your channel" : "Deposit and open a channel"}</h3>
        {resuming ? (
          <p className="muted">
            A channel was prepared but its deposit is not on-chain yet. Continue to sign, approve and deposit the
            prepared amount.
          </p>
        ) : (
          <div className="ch-row">
            <label className="ch-field">
              <span>Token</span>
              <select
                value={token.address}
                onChange={(e) => setTokenAddr(e.target.value)}
                disabled={busy}
                data-testid="deposit-token"
              >
                {cfg.tokens.map((t) => (
                  <option key={t.address} value={t.address}>
                    {t.symbol}
                  </option>
                ))}
              </select>
            </label>
            <label className="ch-field grow">
              <span>
                Amount{" "}
                <span className="muted num">
                  (wallet:{" "}
                  {walletBalance.data !== undefined
                    ? formatAmount(walletBalance.data, token.decimals, { maxFraction: 6 })
                    : "…"}{" "}
                  {token.symbol})
                </span>
              </span>
              <span className="ch-input-row">
                <input
                  inputMode="decimal"
                  autoComplete="off"
                  placeholder="0.00"
                  value={amount}
                  onChange={(e) => setAmount(e.target.value)}
                  disabled={busy}
                  aria-invalid={!!amountError}
                  data-testid="deposit-amount"
                />
                <button
                  type="button"
                  onClick={() =>
                    walletBalance.data !== undefined &&
                    setAmount(formatAmount(walletBalance.data, token.decimals, { group: false }))
                  }
                  disabled={busy}
                >
                  Max
                </button>
              </span>
            </label>
          </div>
        )}
        {amountError && <p className="error-text">{amountError}</p>}
        <button
          type="submit"
          className="primary wide"
          disabled={busy || (!resuming && (!parsed || !!amountError))}
          data-testid="deposit-submit"
        >
          {busy ? "Depositing…" : resuming ? "Continue opening" : "Deposit & open channel"}
        </button>
        {step !== "idle" && (
          <ol className="ch-steps" data-testid="deposit-steps" aria-live="polite">
            {STEPS.map((s, i) => {
              const state =
                step === "done" || i < activeIndex
                  ? "done"
                  : i === activeIndex
                    ? error
                      ? "failed"
                      : "active"
                    : "todo";
              return (
                <li key={s.key} className={`ch-step ${state}`}>
                  <span className="ch-step-mark" aria-hidden>
                    {state === "done" ? "✓" : state === "failed" ? "!" : i + 1}
                  </span>
                  <span>
                    {s.label}
                    {s.key === "deposit" && txHash && (
                      <span className="muted num" title={txHash}>
                        {" "}
                        · tx {txHash.slice(0, 10)}…
                      </span>
                    )}
                    {s.key === "confirm" && confirmations !== null && (
                      <span className="num" data-testid="deposit-confirmations">
                        {" "}
                        · {confirmations} of {cfg.chain.confirmations} confirmation
                        {cfg.chain.confirmations === 1 ? "" : "s"}
                        {confirmations >= cfg.chain.confirmations && step !== "done"
                          ? " — waiting for the exchange to credit it"
                          : ""}
                      </span>
                    )}
                  </span>
                </li>
              );
            })}
          </ol>
        )}
        {step === "done" && (
          <p className="ch-ok" role="status" data-testid="deposit-done">
            ✓ Channel active. Your deposit is credited.
          </p>
        )}
        {error && (
          <p className="error-text" role="alert" data-testid="deposit-error">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
