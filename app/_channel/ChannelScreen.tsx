"use client";
import type { Hex } from "viem";
import { useConnection } from "wagmi";
import { ChannelStatusPanel } from "./ChannelStatusPanel";
import { DepositPanel } from "./DepositPanel";
import { DisputePanel } from "./DisputePanel";
import { StateHistory } from "./StateHistory";
import { useChannel } from "./useChannel";
import { ClosePanel } from "./ClosePanel";
import { WithdrawPanel } from "./WithdrawPanel";

/** The channel screen: status, deposit / withdraw / close, the signed state history, and the on-chain dispute. */
export function ChannelScreen() {
  const connection = useConnection();
  const { me, signedIn, status, noChannel, channel } = useChannel();
  const refresh = () => void status.refetch();
  const canOpen = signedIn && (noChannel || channel?.status === "CLOSED" || channel?.status === "OPENING");
  // the exchange's API does not answer (the session check fails or keeps retrying): the dispute still works
  const serverDown = !!me.error || me.failureCount > 0 || (!!status.error && !noChannel);

  return (
    <main className="page ch-page">
      <div className="ch-grid">
        <div className="ch-col">
          {!connection.address ? (
            <section className="panel">
              <h2>Channel</h2>
              <p className="muted" data-testid="channel-connect">
                Connect your wallet (top right) to see or open your channel.
              </p>
            </section>
          ) : !signedIn && !serverDown ? (
            <section className="panel">
              <h2>Channel</h2>
              <p className="muted" data-testid="channel-signin">
                {me.isPending
                  ? "Checking your session…"
                  : "Sign in with your wallet (top right) to see or open your channel."}
              </p>
            </section>
          ) : (
            <ChannelStatusPanel
              channel={channel}
              loading={signedIn && status.isPending && !noChannel}
              error={serverDown ? (me.error ?? me.failureReason ?? status.error) : null}
              onRetry={() => {
                void me.refetch();
                refresh();
              }}
            />
          )}
          {channel && channel.status !== "OPENING" && <StateHistory channel={channel} />}
        </div>
        <div className="ch-col">
          {/* mounted while signed in: a deposit in flight keeps its progress when the channel appears */}
          {signedIn && (
            <DepositPanel
              available={canOpen}
              opening={channel?.status === "OPENING" ? channel : null}
              channelStatus={channel?.status ?? null}
              onChanged={refresh}
            />
          )}
          {signedIn &&
            channel &&
            (channel.status === "ACTIVE" || channel.status === "CLOSING" || channel.status === "CHALLENGED") && (
              <section className="panel" aria-label="Withdraw and close">
                {(channel.status === "ACTIVE" || channel.status === "CLOSING") && (
                  <>
                    <WithdrawPanel channel={channel} onChanged={refresh} />
                    <hr className="ch-sep" />
                    <ClosePanel channel={channel} onChanged={refresh} />
                  </>
                )}
                {channel?.status === "CHALLENGED" && (
                  <p className="muted">
                    Trading, withdrawals and closing are stopped while the channel is challenged on-chain.
                  </p>
                )}
              </section>
            )}
          {connection.address && <DisputePanel channelId={(channel?.channelId as Hex | undefined) ?? null} />}
        </div>
      </div>
    </main>
  );
}
