"use client";
/**
 * Every state both sides signed, newest first, each with both signatures and a "Verify" action
 * that checks them IN THE BROWSER with core/channel's verifyStateSignature over the public
 * config's chain id and custody address. The exchange's address is read from the custody
 * contract itself (custody.exchange()), the trader's is the channel's: nothing the exchange's
 * API says is trusted for the check.
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Address, Hex } from "viem";
import { INTENT_NAMES, verifyStateSignature, type Intent } from "@/core/channel";
import { ErrorMessage } from "../_components/ErrorMessage";
import { formatAmount } from "../_components/format";
import { SkeletonRows } from "../_components/Skeleton";
import { useTRPC } from "../_trpc/client";
import { usePublicConfig } from "../_wallet/public-config";
import { useCustodyExchange } from "./chain";
import { channelDomainOf, toChannelState, type ChannelStatus, type WireStoredState } from "./types";
import { useTokens } from "./useChannel";

type Verdict = { exchange: boolean; trader: boolean };
const PAGE = 25;

const short = (sig: string | null) => (sig ? `${sig.slice(0, 8)}…${sig.slice(-6)}` : "—");

export function StateHistory({ channel }: { channel: ChannelStatus }) {
  const cfg = usePublicConfig();
  const trpc = useTRPC();
  const tokens = useTokens();
  const exchange = useCustodyExchange();
  const history = useQuery({
    ...trpc.channel.history.queryOptions({ channelId: channel.channelId }),
    refetchInterval: 10_000,
  });
  const [verdicts, setVerdicts] = useState<Record<string, Verdict>>({});
  const [shown, setShown] = useState(PAGE);
  const domain = channelDomainOf(cfg);

  function verify(s: WireStoredState): Verdict | null {
    if (!domain || !exchange || !s.traderSignature) return null;
    const state = toChannelState(s.state);
    const v = {
      exchange: verifyStateSignature(domain, state, s.exchangeSignature as Hex, exchange),
      trader: verifyStateSignature(domain, state, s.traderSignature as Hex, channel.trader as Address),
    };
    setVerdicts((old) => ({ ...old, [s.state.version.toString()]: v }));
    return v;
  }

  const rows = [...(history.data ?? [])].reverse();
  return (
    <section className="panel" aria-labelledby="history-title" data-testid="state-history">
      <div className="ch-head">
        <h2 id="history-title">State history</h2>
        <button
          onClick={() => rows.slice(0, shown).forEach(verify)}
          disabled={!exchange || rows.length === 0}
          data-testid="verify-all"
        >
          Verify all shown
        </button>
      </div>
      <p className="muted ch-small">
        Each state is signed by the exchange and by you. “Verify” recomputes the EIP-712 digest in your browser (chain{" "}
        {cfg.chain.id}, custody <span className="num">{cfg.custody?.slice(0, 10)}…</span>) and checks both signatures
        against the exchange address the custody contract holds and your address.
      </p>
      {history.isPending ? (
        <SkeletonRows rows={3} label="Loading states" />
      ) : history.error ? (
        <ErrorMessage error={history.error} onRetry={() => void history.refetch()} />
      ) : rows.length === 0 ? (
        <p className="muted">No co-signed states yet.</p>
      ) : (
        <div className="ch-scroll">
          <table className="data ch-history">
            <thead>
              <tr>
                <th>Ver.</th>
                <th>Intent</th>
                <th className="r">Your balance</th>
                <th>Exchange sig.</th>
                <th>Your sig.</th>
                <th>
                  <span className="sr-only">Verify</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.slice(0, shown).map((s) => {
                const key = s.state.version.toString();
                const v = verdicts[key];
                return (
                  <tr key={key} data-testid={`state-row-${key}`}>
                    <td className="num">v{key}</td>
                    <td>{INTENT_NAMES[s.state.intent as Intent] ?? s.state.intent}</td>
                    <td className="r num">
                      {s.state.allocations.map((a) => {
                        const t = tokens.of(a.token);
                        return (
                          <div
                            key={a.token}
                          >{`${formatAmount(a.traderAmount, t.decimals, { maxFraction: 6 })} ${t.symbol}`}</div>
                        );
                      })}
                    </td>
                    <td className="num" title={s.exchangeSignature}>
                      {short(s.exchangeSignature)} {v && <Mark ok={v.exchange} who="exchange" version={key} />}
                    </td>
                    <td className="num" title={s.traderSignature ?? ""}>
                      {short(s.traderSignature)} {v && <Mark ok={v.trader} who="trader" version={key} />}
                    </td>
                    <td className="r">
                      <button
                        onClick={() => verify(s)}
                        disabled={!exchange}
                        aria-label={`Verify both signatures of version ${key}`}
                        data-testid={`verify-${key}`}
                      >
                        Verify
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {rows.length > shown && (
            <button className="link-button" onClick={() => setShown((n) => n + PAGE)}>
              Show {Math.min(PAGE, rows.length - shown)} older states
            </button>
          )}
        </div>
      )}
    </section>
  );
}

function Mark({ ok, who, version }: { ok: boolean; who: string; version: string }) {
  return (
    <span
      className={ok ? "ch-ok" : "ch-bad"}
      data-testid={`verdict-${who}-${version}`}
      data-ok={ok}
      role="img"
      aria-label={ok ? `${who} signature valid` : `${who} signature INVALID`}
    >
      {ok ? "✓" : "✗"}
    </span>
  );
}
