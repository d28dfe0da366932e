"use client";
import { formatAmount } from "../_components/format";
import { ErrorMessage } from "../_components/ErrorMessage";
import { SkeletonRows } from "../_components/Skeleton";
import { toast } from "../_components/toast";
import { INTENT_NAMES, type Intent } from "@/core/channel";
import { ON_CHAIN_STATUS, useOnChainChannel } from "./chain";
import { describeError } from "./errors";
import { awaitsTraderSignature, type ChannelStatus } from "./types";
import { useCoSignLatest } from "./useCoSign";
import { useTokens } from "./useChannel";

const STATUS_TEXT: Record<ChannelStatus["status"], { label: string; cls: string; help: string }> = {
  OPENING: { label: "Opening", cls: "warn", help: "Waiting for the deposit to be confirmed on-chain." },
  ACTIVE: {
    label: "Active",
    cls: "ok",
    help: "Trading is live; your balance is secured by the latest co-signed state.",
  },
  CHALLENGED: { label: "Challenged", cls: "bad", help: "A challenge is running on-chain; trading is stopped." },
  CLOSING: { label: "Closing", cls: "warn", help: "The close is signed and settled on-chain, or being cancelled." },
  CLOSED: { label: "Closed", cls: "", help: "The channel is settled. Deposit again to open a new one." },
};

export function ChannelStatusPanel({
  channel,
  loading,
  error,
  onRetry,
}: {
  channel: ChannelStatus | null;
  loading: boolean;
  error: unknown;
  onRetry: () => void;
}) {
  const tokens = useTokens();
  const cosign = useCoSignLatest();
  const onChain = useOnChainChannel((channel?.channelId as `0x${string}` | undefined) ?? null);
  const latest = cosign.latest;

  if (loading) {
    return (
      <section className="panel" aria-labelledby="ch-status-title">
        <h2 id="ch-status-title">Channel</h2>
        <SkeletonRows rows={4} label="Loading your channel" />
      </section>
    );
  }
  if (error) {
    return (
      <section className="panel" aria-labelledby="ch-status-title">
        <h2 id="ch-status-title">Channel</h2>
        <ErrorMessage error={error} onRetry={onRetry} />
        <p className="muted" data-testid="channel-unreachable">
          Your funds are safe in the custody contract. If the exchange stays unreachable, use <strong>Dispute</strong>{" "}
          on this page to claim them on-chain with the latest state you both signed.
        </p>
      </section>
    );
  }
  if (!channel) {
    return (
      <section className="panel" aria-labelledby="ch-status-title">
        <h2 id="ch-status-title">Channel</h2>
        <p className="muted" data-testid="channel-none">
          You have no channel yet. Deposit tokens to open one: your deposit stays in the custody contract, and every
          balance change is a state both you and the exchange sign.
        </p>
      </section>
    );
  }
  const st = STATUS_TEXT[channel.status];
  const chainView = onChain.data;
  // a withdrawal, close or cancellation whose state the trader has not signed waits for them, not for the chain
  const waitsFor = awaitsTraderSignature(channel, latest)
    ? "waiting for your signature (Withdraw and close, on the right)"
    : "waiting for the chain to confirm";
  const pendingText =
    channel.pendingPurpose === "TOP_UP"
      ? `The exchange is adding to its side of your channel (v${channel.pendingVersion}), waiting for the chain to confirm; withdrawals resume after it`
      : channel.pendingOp === "RESIZE"
        ? `Withdrawal (v${channel.pendingVersion}) ${waitsFor}`
        : channel.pendingOp === "CLOSE"
          ? `Close (v${channel.pendingVersion}) ${waitsFor}`
          : channel.pendingOp === "CANCEL" && channel.pendingVersion !== null
            ? `Cancellation (v${channel.pendingVersion}) of your ${channel.status === "CLOSING" ? "close" : "withdrawal"} ${waitsFor}`
            : null;
  // the pending operation's submission failed (retried by the service) or can/does not apply (alert, also shown to operators)
  const chainTrouble =
    channel.alert ??
    (channel.submission?.state === "retrying"
      ? `Sending it to the chain failed (${channel.submission.lastError}); the exchange retries by itself.`
      : null);

  async function coSign() {
    try {
      await cosign.coSignLatest();
      toast.success("State co-signed", `Version ${cosign.pending.version} is now signed by both sides.`);
    } catch (e) {
      toast.error("Co-signing failed", describeError(e, "Co-signing"));
    }
  }

  return (
    <section className="panel" aria-labelledby="ch-status-title" data-testid="channel-status-panel">
      <div className="ch-head">
        <h2 id="ch-status-title">Channel</h2>
        <span className={`badge ${st.cls}`} data-testid="channel-status" title={st.help}>
          {st.label}
        </span>
      </div>
      <p className="muted ch-help">{st.help}</p>
      <dl className="kv ch-kv">
        <dt>Channel id</dt>
        <dd className="num ch-id" title={channel.channelId} data-testid="channel-id">
          {channel.channelId.slice(0, 10)}…{channel.channelId.slice(-8)}
        </dd>
        <dt>Latest state</dt>
        <dd className="num" data-testid="channel-latest-version">
          v{channel.latestVersion.toString()}
          {latest && latest.state.channelId.toLowerCase() === channel.channelId.toLowerCase()
            ? ` · ${INTENT_NAMES[latest.state.intent as Intent]}`
            : ""}
        </dd>
        <dt>Co-signed</dt>
        <dd className="num" data-testid="channel-cosigned-version">
          {channel.coSignedVersion === null ? "none yet" : `v${channel.coSignedVersion.toString()}`}
        </dd>
        <dt>On-chain</dt>
        <dd className="num" data-testid="channel-onchain">
          {chainView
            ? `${ON_CHAIN_STATUS[chainView.status] ?? chainView.status} · v${chainView.version}`
            : channel.onChainVersion === null
              ? "not yet"
              : `v${channel.onChainVersion}`}
        </dd>
      </dl>
      {pendingText && (
        <p className="notice ch-pending" role="status" data-testid="channel-pending-op">
          <span className="spinner" aria-hidden /> {pendingText}. Funds are locked until then.
        </p>
      )}
      {chainTrouble && (
        <p className="error-text" role="alert" data-testid="channel-alert">
          {chainTrouble}
        </p>
      )}
      <div className="ch-scroll">
        <table className="data" data-testid="channel-balances">
          <thead>
            <tr>
              <th>Asset</th>
              <th className="r">Yours</th>
              <th className="r">Exchange cover</th>
              <th className="r">Locked in channel</th>
            </tr>
          </thead>
          <tbody>
            {channel.funding.map((f) => {
              const t = tokens.of(f.token);
              const alloc = latest?.state.allocations.find((a) => a.token.toLowerCase() === f.token.toLowerCase());
              return (
                <tr key={f.token} data-testid={`channel-balance-${t.symbol}`}>
                  <td>{t.symbol}</td>
                  <td className="r num" data-testid={`channel-yours-${t.symbol}`}>
                    {alloc ? formatAmount(alloc.traderAmount, t.decimals, { maxFraction: 6 }) : "—"}
                  </td>
                  <td className="r num muted">
                    {alloc ? formatAmount(alloc.exchangeAmount, t.decimals, { maxFraction: 6 }) : "—"}
                  </td>
                  <td className="r num">{formatAmount(f.total, t.decimals, { maxFraction: 6 })}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {(cosign.pending.count > 0 || cosign.isSigning) && channel.status !== "CLOSED" && (
        <div className="ch-cosign" data-testid="cosign-box">
          <span>
            {cosign.pending.count} new state{cosign.pending.count === 1 ? "" : "s"} signed by the exchange (latest v
            {cosign.pending.version?.toString()}). They are co-signed with your next order or withdrawal — or now:
          </span>
          <button className="primary" onClick={coSign} disabled={cosign.isSigning} data-testid="cosign-latest">
            {cosign.isSigning ? "Confirm in your wallet…" : `Co-sign v${cosign.pending.version?.toString()}`}
          </button>
        </div>
      )}
      {cosign.error && (
        <p className="error-text" role="alert">
          {cosign.error}
        </p>
      )}
    </section>
  );
}
