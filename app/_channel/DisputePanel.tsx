"use client";
/**
 * The way out when the exchange stops answering. Uses ONLY the chain and the latest co-signed
 * state kept in this browser (storage.ts): no call to the exchange's API.
 *
 * 1. Challenge: the trader signs Challenge(channelId, version, stateHash) (the contract requires
 *    the challenger's own signature) and sends custody.challenge(state, sigs, trader, sig). The
 *    clock runs for the contract's challengePeriod; the exchange may answer with a NEWER
 *    co-signed state — there is none if this is the latest one.
 * 2. After the deadline (chain time): custody.conclude(state) credits both custody accounts,
 *    then custody.withdraw(token, amount, trader) moves the trader's share to the wallet.
 *
 * Over 400 lines: the three steps are one flow over the same stored state and chain reads, kept
 * on one screen so a trader in a dispute sees where they are.
 */
import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import { erc20Abi, type Address, type Hex } from "viem";
import { useConnection, useReadContracts, useSignTypedData } from "wagmi";
import { challengeTypedData, hashStateStruct, verifyStateSignature } from "@/core/channel";
import { custodyAbi } from "@/contracts/generated";
import { formatAmount } from "../_components/format";
import { toast } from "../_components/toast";
import { usePublicConfig } from "../_wallet/public-config";
import {
  ON_CHAIN_STATUS,
  toAbiState,
  useChainHead,
  useCustodyExchange,
  useOnChainChannel,
  useSendAndWait,
} from "./chain";
import { describeError } from "./errors";
import { lastChannelOf, loadCoSigned, type LocalCoSignedState } from "./storage";
import { useTokens } from "./useChannel";

function subscribeStorage(l: () => void) {
  window.addEventListener("clearline:cosigned", l);
  window.addEventListener("storage", l);
  return () => {
    window.removeEventListener("clearline:cosigned", l);
    window.removeEventListener("storage", l);
  };
}

/** The locally kept co-signed state for the wallet's channel (by the server's channel id when known). */
function useLocalState(channelId: Hex | null, wallet: Address | undefined): LocalCoSignedState | null {
  const cfg = usePublicConfig();
  const version = useSyncExternalStore(
    subscribeStorage,
    () => {
      if (!cfg.custody) return "";
      const id = channelId ?? (wallet ? lastChannelOf(cfg.chain.id, cfg.custody, wallet) : null);
      if (!id) return "";
      const s = loadCoSigned(cfg.chain.id, cfg.custody, id);
      return s ? `${id}:${s.state.version}` : "";
    },
    () => "",
  );
  const [entry, setEntry] = useState<LocalCoSignedState | null>(null);
  useEffect(() => {
    if (!version || !cfg.custody) return setEntry(null);
    setEntry(loadCoSigned(cfg.chain.id, cfg.custody, version.split(":")[0] as Hex));
  }, [version, cfg.chain.id, cfg.custody]);
  return entry;
}

function formatDuration(s: number): string {
  if (s <= 0) return "0s";
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0
    ? `${h}h ${String(m).padStart(2, "0")}m ${String(sec).padStart(2, "0")}s`
    : m > 0
      ? `${m}m ${String(sec).padStart(2, "0")}s`
      : `${sec}s`;
}

export function DisputePanel({ channelId }: { channelId: Hex | null }) {
  const cfg = usePublicConfig();
  const tokens = useTokens();
  const connection = useConnection();
  const wallet = connection.address;
  const local = useLocalState(channelId, wallet);
  const id = (local?.state.channelId ?? channelId) as Hex | null;
  const onChain = useOnChainChannel(id);
  const exchange = useCustodyExchange();
  const head = useChainHead();
  const signTypedData = useSignTypedData();
  const { send } = useSendAndWait();
  const [phase, setPhase] = useState<"idle" | "confirm" | "sign" | "challenge" | "conclude" | "withdraw">("idle");
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(t);
  }, []);

  const trader = local?.trader;
  const custodyBalances = useReadContracts({
    contracts: (local?.state.allocations ?? []).map(
      (a) =>
        ({
          address: cfg.custody!,
          abi: custodyAbi,
          functionName: "balanceOf",
          args: [trader!, a.token],
          chainId: cfg.chain.id,
        }) as const,
    ),
    query: { enabled: !!local && !!cfg.custody, refetchInterval: 2_000 },
  });
  const walletBalances = useReadContracts({
    contracts: (local?.state.allocations ?? []).map(
      (a) =>
        ({
          address: a.token,
          abi: erc20Abi,
          functionName: "balanceOf",
          args: [trader!],
          chainId: cfg.chain.id,
        }) as const,
    ),
    query: { enabled: !!local, refetchInterval: 2_000 },
  });

  const view = onChain.data;
  const statusName = view ? ON_CHAIN_STATUS[view.status] : null;
  // chain time, advanced by the browser clock between blocks (a local chain mines only on demand)
  const chainNow = head.data
    ? Number(head.data.timestamp) + Math.max(0, Math.floor((now - head.dataUpdatedAt) / 1000))
    : null;
  const deadline = view && statusName === "Challenged" ? Number(view.challengeDeadline) : null;
  const remaining = deadline !== null && chainNow !== null ? deadline - chainNow : null;
  const localHash = local ? hashStateStruct(local.state) : null;
  const challengedIsOurs =
    view && localHash ? view.challengeStateHash.toLowerCase() === localHash.toLowerCase() : false;
  const signedOk =
    local && exchange && cfg.custody
      ? verifyStateSignature(
          { chainId: cfg.chain.id, verifyingContract: cfg.custody },
          local.state,
          local.exchangeSignature,
          exchange,
        ) &&
        verifyStateSignature(
          { chainId: cfg.chain.id, verifyingContract: cfg.custody },
          local.state,
          local.traderSignature,
          local.trader,
        )
      : null;

  const ensureWallet = useCallback(() => {
    if (!wallet) throw new Error("Connect your wallet (button in the header) to act on-chain.");
    if (!local) throw new Error("This browser holds no co-signed state of your channel.");
    if (wallet.toLowerCase() !== local.trader.toLowerCase())
      throw new Error(`Connect the channel's trader account ${local.trader.slice(0, 8)}… in your wallet.`);
    if (connection.chainId !== cfg.chain.id)
      throw new Error(
        "Your wallet is on another network. Switch to the exchange's network (button in the header) and retry.",
      );
    if (!cfg.custody) throw new Error("The custody contract is not known on this chain.");
    return { wallet, local, custody: cfg.custody };
  }, [wallet, local, connection.chainId, cfg.chain.id, cfg.custody]);

  async function challenge() {
    setError(null);
    try {
      const { wallet, local, custody } = ensureWallet();
      setPhase("sign");
      const stateHash = hashStateStruct(local.state);
      const sig = await signTypedData.mutateAsync({
        ...challengeTypedData(
          { chainId: cfg.chain.id, verifyingContract: custody },
          { channelId: local.state.channelId, version: local.state.version, stateHash },
        ),
        account: wallet,
      });
      setPhase("challenge");
      await send({
        address: custody,
        abi: custodyAbi,
        functionName: "challenge",
        args: [
          toAbiState(local.state),
          { trader: local.traderSignature, exchange: local.exchangeSignature },
          wallet,
          sig,
        ],
        chainId: cfg.chain.id,
      });
      toast.success(
        "Challenge started",
        `The payout of v${local.state.version} can be claimed when the challenge period ends.`,
      );
      await onChain.refetch();
    } catch (e) {
      setError(describeError(e, "The challenge"));
    } finally {
      setPhase("idle");
    }
  }

  async function claim() {
    setError(null);
    try {
      const { wallet, local, custody } = ensureWallet();
      if (statusName === "Challenged") {
        setPhase("conclude");
        await send({
          address: custody,
          abi: custodyAbi,
          functionName: "conclude",
          args: [toAbiState(local.state)],
          chainId: cfg.chain.id,
        });
        await custodyBalances.refetch();
      }
      setPhase("withdraw");
      let paid = 0;
      for (const a of local.state.allocations) {
        const balance = (await custodyBalances.refetch()).data?.[local.state.allocations.indexOf(a)]?.result as
          bigint | undefined;
        if (!balance || balance === 0n) continue;
        await send({
          address: custody,
          abi: custodyAbi,
          functionName: "withdraw",
          args: [a.token, balance, wallet],
          chainId: cfg.chain.id,
        });
        paid += 1;
      }
      toast.success(
        "Payout claimed",
        paid > 0 ? "Your share was paid to your wallet." : "Nothing was left to withdraw.",
      );
      await Promise.all([onChain.refetch(), custodyBalances.refetch(), walletBalances.refetch()]);
    } catch (e) {
      setError(describeError(e, "Claiming the payout"));
    } finally {
      setPhase("idle");
    }
  }

  const custodyTotal = (custodyBalances.data ?? []).reduce((n, r) => n + ((r.result as bigint | undefined) ?? 0n), 0n);
  const busy = phase === "sign" || phase === "challenge" || phase === "conclude" || phase === "withdraw";

  return (
    <section className="panel ch-dispute" aria-labelledby="dispute-title" data-testid="dispute-panel">
      <div className="ch-head">
        <h2 id="dispute-title">Dispute</h2>
        {statusName && (
          <span
            className={`badge ${statusName === "Challenged" ? "bad" : statusName === "Active" ? "ok" : ""}`}
            data-testid="dispute-onchain-status"
          >
            on-chain: {statusName}
          </span>
        )}
      </div>
      <p className="muted ch-small">
        If the exchange stops answering, take your money out on-chain with the latest state you both signed. This works
        without the exchange: it uses only the chain and the copy of that state kept in this browser.
      </p>
      {!local ? (
        <p className="muted" data-testid="dispute-no-state">
          This browser holds no co-signed state of your channel yet. It keeps one every time you co-sign.
        </p>
      ) : (
        <>
          <dl className="kv ch-kv">
            <dt>Latest co-signed</dt>
            <dd className="num" data-testid="dispute-version">
              v{local.state.version.toString()}{" "}
              {signedOk === null ? (
                ""
              ) : signedOk ? (
                <span className="ch-ok">✓ both signatures valid</span>
              ) : (
                <span className="ch-bad">✗ signatures invalid</span>
              )}
            </dd>
            <dt>Pays you</dt>
            <dd className="num">
              {local.state.allocations.map((a) => {
                const t = tokens.of(a.token);
                return (
                  <div
                    key={a.token}
                  >{`${formatAmount(a.traderAmount, t.decimals, { maxFraction: 6 })} ${t.symbol}`}</div>
                );
              })}
            </dd>
            {view && statusName !== "None" && (
              <>
                <dt>On-chain version</dt>
                <dd className="num">v{view.version}</dd>
              </>
            )}
          </dl>

          {statusName === "Active" && phase !== "confirm" && (
            <button
              className="danger wide"
              onClick={() => setPhase("confirm")}
              disabled={busy}
              data-testid="dispute-challenge-start"
            >
              Challenge on-chain…
            </button>
          )}
          {statusName === "Active" && (phase === "confirm" || phase === "sign" || phase === "challenge") && (
            <div className="ch-confirm" role="group" aria-label="Confirm the challenge">
              <p>
                Challenging stops trading on this channel. After the challenge period the channel pays out v
                {local.state.version.toString()} — unless the exchange shows a newer state you both signed. Continue?
              </p>
              <div className="ch-row">
                <button className="danger" onClick={challenge} disabled={busy} data-testid="dispute-challenge-confirm">
                  {phase === "sign"
                    ? "Sign the challenge in your wallet…"
                    : phase === "challenge"
                      ? "Sending challenge…"
                      : `Yes, challenge with v${local.state.version}`}
                </button>
                <button onClick={() => setPhase("idle")} disabled={busy}>
                  Cancel
                </button>
              </div>
            </div>
          )}

          {statusName === "Challenged" && (
            <div className="ch-countdown" data-testid="dispute-countdown" role="timer" aria-live="off">
              {remaining !== null && remaining > 0 ? (
                <>
                  <span className="muted">Payout available in</span>
                  <strong className="num" data-testid="dispute-remaining">
                    {formatDuration(remaining)}
                  </strong>
                  <span className="muted ch-small">
                    deadline {new Date(deadline! * 1000).toLocaleString()} (chain time)
                  </span>
                </>
              ) : (
                <strong data-testid="dispute-ready">The challenge period is over.</strong>
              )}
              {!challengedIsOurs && (
                <p className="ch-small muted">
                  The channel was challenged with a state this browser does not hold (v{view!.version}); its payout is
                  concluded by whoever holds it.
                </p>
              )}
            </div>
          )}
          {((statusName === "Challenged" && remaining !== null && remaining <= 0 && challengedIsOurs) ||
            (statusName === "Closed" && custodyTotal > 0n)) && (
            <button className="primary wide" onClick={claim} disabled={busy} data-testid="dispute-claim">
              {phase === "conclude"
                ? "Concluding on-chain…"
                : phase === "withdraw"
                  ? "Withdrawing to your wallet…"
                  : statusName === "Closed"
                    ? "Withdraw payout to wallet"
                    : "Conclude & claim payout"}
            </button>
          )}
          {statusName === "Closed" && custodyTotal === 0n && (
            <p className="ch-ok" data-testid="dispute-paid">
              ✓ Channel closed on-chain; nothing left in custody for you.
            </p>
          )}
          {local.state.allocations.length > 0 && (
            <table className="data ch-small">
              <thead>
                <tr>
                  <th>Asset</th>
                  <th className="r">In custody</th>
                  <th className="r">In wallet</th>
                </tr>
              </thead>
              <tbody>
                {local.state.allocations.map((a, i) => {
                  const t = tokens.of(a.token);
                  const c = custodyBalances.data?.[i]?.result as bigint | undefined;
                  const w = walletBalances.data?.[i]?.result as bigint | undefined;
                  return (
                    <tr key={a.token}>
                      <td>{t.symbol}</td>
                      <td className="r num" data-testid={`dispute-custody-${t.symbol}`}>
                        {c !== undefined ? formatAmount(c, t.decimals, { maxFraction: 6 }) : "…"}
                      </td>
                      <td className="r num" data-testid={`dispute-wallet-${t.symbol}`}>
                        {w !== undefined ? formatAmount(w, t.decimals, { maxFraction: 6 }) : "…"}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </>
      )}
      {error && (
        <p className="error-text" role="alert" data-testid="dispute-error">
          {error}
        </p>
      )}
    </section>
  );
}
