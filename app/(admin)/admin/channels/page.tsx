"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "../../../_components/toast";
import { ErrorMessage } from "../../../_components/ErrorMessage";
import { useTRPC } from "../../../_trpc/client";
import { useConsoleRole } from "../../_ui/AdminShell";
import { Addr, Amount, Loading, Panel, ReasonAction, When } from "../../_ui/ui";

const STATUSES = ["ACTIVE", "OPENING", "CHALLENGED", "CLOSING", "CLOSED"] as const;

export default function ChannelsPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { role } = useConsoleRole();
  const [status, setStatus] = useState<(typeof STATUSES)[number] | undefined>(undefined);
  const list = useQuery({ ...trpc.admin.channels.list.queryOptions({ status }), refetchInterval: 5_000 });
  const challenges = useQuery({ ...trpc.admin.channels.challenges.queryOptions(), refetchInterval: 3_000 });
  const coverage = useQuery({ ...trpc.admin.channels.coverage.queryOptions(), refetchInterval: 10_000 });
  const checkpoint = useMutation(trpc.admin.channels.checkpoint.mutationOptions());
  const releaseOpening = useMutation(trpc.admin.channels.releaseOpening.mutationOptions());
  const [busy, setBusy] = useState<string | null>(null);
  const [err, setErr] = useState<unknown>(null);
  const decimalsOf = (token: string) => coverage.data?.rows.find((r) => r.token === token.toLowerCase());
  return (
    <div className="admin-grid">
      <Panel title="Coverage per asset: what the exchange owes vs what custody holds">
        <Loading q={coverage}>
          {() => (
            <>
              {coverage.data!.error && <p className="warn-text">{coverage.data!.error}</p>}
              <div className="table-scroll">
                <table className="data dense">
                  <thead>
                    <tr>
                      <th>Asset</th>
                      <th className="r">Owed to traders (books)</th>
                      <th className="r">Trader side of latest states</th>
                      <th className="r">Locked in channels</th>
                      <th className="r">Exchange free in custody</th>
                      <th className="r">Reserved: openings / top-ups</th>
                      <th className="r">Unreserved</th>
                      <th className="r">Surplus</th>
                      <th className="r">Need top-up</th>
                    </tr>
                  </thead>
                  <tbody>
                    {coverage.data!.rows.map((c) => (
                      <tr key={c.asset}>
                        <td>{c.asset}</td>
                        <td className="r">
                          <Amount value={c.owedToTraders} decimals={c.decimals} />
                        </td>
                        <td className="r">
                          <Amount value={c.owedInChannelStates} decimals={c.decimals} />
                        </td>
                        <td className="r">
                          <Amount value={c.lockedInChannels} decimals={c.decimals} />
                        </td>
                        <td className="r">
                          <Amount value={c.exchangeAvailable} decimals={c.decimals} />
                        </td>
                        <td className="r" title={`${c.openingChannels} opening channel(s) reserve coverage`}>
                          <Amount value={c.reservedForOpenings} decimals={c.decimals} /> /{" "}
                          <Amount value={c.reservedForTopUps} decimals={c.decimals} />
                        </td>
                        <td className={`r ${c.unreserved !== null && c.unreserved <= 0n ? "warn-text" : ""}`}>
                          <Amount value={c.unreserved} decimals={c.decimals} />
                        </td>
                        <td className={`r ${c.surplus !== null && c.surplus < 0n ? "error-text" : ""}`}>
                          <Amount value={c.surplus} decimals={c.decimals} />
                        </td>
                        <td className="r num">{c.channelsNeedingTopUp}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <p className="muted small">
                Surplus = exchange free + locked in channels − owed to traders (each trader&apos;s equity, at least
                zero, plus what their orders lock). From custody&apos;s coverage(token). Reserved = coverage promised to
                channels being opened (until they expire, or an admin releases them) and to pending top-ups; unreserved
                is what new opens, top-ups and fee withdrawals can still have.
              </p>
            </>
          )}
        </Loading>
      </Panel>

      <Panel title="Open challenges">
        <Loading q={challenges}>
          {() => {
            const c = challenges.data!;
            return (
              <>
                <p className="muted small">
                  Watchtower:{" "}
                  {c.watchtower ? (c.watchtower.running ? "running" : "stopped") : "not running in this process"}
                  {c.watchtower?.lastError ? ` — last error: ${c.watchtower.lastError}` : ""}; chain time{" "}
                  {c.chainTime?.toString() ?? "unknown"}
                </p>
                {c.open.length === 0 ? (
                  <p className="muted">No open challenge.</p>
                ) : (
                  <table className="data dense">
                    <thead>
                      <tr>
                        <th>Channel</th>
                        <th className="r">Version</th>
                        <th>Deadline</th>
                        <th>Watchtower</th>
                      </tr>
                    </thead>
                    <tbody>
                      {c.open.map((o) => (
                        <tr key={`${o.channelId}-${o.challengedVersion}`}>
                          <td>
                            <Addr value={o.channelId} />
                          </td>
                          <td className="r num">{o.challengedVersion.toString()}</td>
                          <td>
                            <When at={o.challengeDeadline * 1000n} />{" "}
                            {c.chainTime !== null && (
                              <span className="muted">({(o.challengeDeadline - c.chainTime).toString()} s left)</span>
                            )}
                          </td>
                          <td>
                            {o.action ? (
                              <>
                                <span className="badge">{o.action.outcome}</span>{" "}
                                {o.action.answeredVersion !== null && `answered with v${o.action.answeredVersion} `}
                                {o.action.reason && <span className="muted small">{o.action.reason}</span>}
                              </>
                            ) : (
                              <span className="muted">nothing yet</span>
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
                {c.actions.length > 0 && (
                  <details>
                    <summary>What the watchtower did ({c.actions.length})</summary>
                    <table className="data dense">
                      <tbody>
                        {c.actions.map((a) => (
                          <tr key={`${a.channelId}-${a.challengedVersion}-${a.challengeDeadline}`}>
                            <td>
                              <Addr value={a.channelId} />
                            </td>
                            <td>v{a.challengedVersion.toString()}</td>
                            <td>
                              <span className="badge">{a.outcome}</span>
                            </td>
                            <td className="small">
                              {a.method ?? ""} {a.txHash ? <Addr value={a.txHash} /> : null}{" "}
                              {a.concludeTxHash ? (
                                <>
                                  conclude <Addr value={a.concludeTxHash} />
                                </>
                              ) : null}{" "}
                              {a.reason ?? a.lastError ?? ""}
                            </td>
                            <td>
                              <When at={a.updatedAt} />
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </details>
                )}
              </>
            );
          }}
        </Loading>
      </Panel>

      <Panel
        title="Channels"
        actions={
          <div className="chips" role="group" aria-label="Filter by status">
            <button type="button" aria-pressed={status === undefined} onClick={() => setStatus(undefined)}>
              all
            </button>
            {STATUSES.map((s) => (
              <button key={s} type="button" aria-pressed={status === s} onClick={() => setStatus(s)}>
                {s.toLowerCase()} {list.data ? `(${list.data.counts[s] ?? 0})` : ""}
              </button>
            ))}
          </div>
        }
      >
        {err ? <ErrorMessage error={err} compact /> : null}
        <Loading q={list}>
          {() =>
            list.data!.channels.length === 0 ? (
              <p className="muted">No channel{status ? ` is ${status.toLowerCase()}` : ""}.</p>
            ) : (
              <div className="table-scroll">
                <table className="data dense">
                  <thead>
                    <tr>
                      <th>Channel</th>
                      <th>Trader</th>
                      <th>Status</th>
                      <th className="r">Signed / co-signed / on-chain</th>
                      <th>Funding</th>
                      <th>Flags</th>
                      <th>Updated</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {list.data!.channels.map((ch) => (
                      <tr key={ch.id}>
                        <td>
                          <Addr value={ch.id} />
                        </td>
                        <td>
                          <Addr value={ch.trader} />
                        </td>
                        <td>
                          <span
                            className={`badge ${ch.status === "ACTIVE" ? "ok" : ch.status === "CHALLENGED" ? "bad" : ""}`}
                          >
                            {ch.status}
                          </span>
                        </td>
                        <td className="r num">
                          {ch.latestVersion.toString()} / {ch.coSignedVersion?.toString() ?? "—"} /{" "}
                          {ch.onChainVersion?.toString() ?? "—"}
                        </td>
                        <td className="small">
                          {ch.funding.map((f) => {
                            const row = decimalsOf(f.token);
                            return (
                              <span key={f.token}>
                                <Amount value={f.total} decimals={row?.decimals ?? 0} />{" "}
                                {row?.asset ?? f.token.slice(0, 8)}{" "}
                              </span>
                            );
                          })}
                        </td>
                        <td className="small">
                          {ch.needsTopUp && <span className="badge warn">needs top-up</span>}{" "}
                          {ch.pendingOp && <span className="badge">{ch.pendingOp} pending</span>}{" "}
                          {ch.alert && (
                            <span className="badge bad" title={ch.alert}>
                              alert
                            </span>
                          )}{" "}
                          {ch.status === "OPENING" && ch.openingExpiresAt && (
                            <span className="badge" title="an unfunded opening reserves its coverage until then">
                              {ch.openingExpiresAt.getTime() > Date.now() ? "reserves until " : "expired "}
                              <When at={ch.openingExpiresAt} />
                            </span>
                          )}
                          {ch.openingReleasedAt && (
                            <span className="badge" title={ch.openingReleaseReason ?? ""}>
                              opening released
                            </span>
                          )}
                        </td>
                        <td>
                          <When at={ch.updatedAt} />
                        </td>
                        <td>
                          {role === "admin" && ch.status === "ACTIVE" && (
                            <button
                              type="button"
                              disabled={busy !== null}
                              title="Register the newest co-signed OPERATE state on-chain (custody.checkpoint), so no older state can be used to challenge"
                              onClick={async () => {
                                setBusy(ch.id);
                                setErr(null);
                                try {
                                  const r = await checkpoint.mutateAsync({ channelId: ch.id });
                                  toast.success(`Checkpointed version ${r.version}`, `transaction ${r.txHash}`);
                                  await qc.invalidateQueries({ queryKey: trpc.admin.channels.pathKey() });
                                } catch (e) {
                                  setErr(e);
                                } finally {
                                  setBusy(null);
                                }
                              }}
                            >
                              {busy === ch.id ? "Sending…" : "Checkpoint"}
                            </button>
                          )}
                          {role === "admin" && ch.status === "OPENING" && ch.onChainVersion === null && (
                            <ReasonAction
                              label="Release"
                              danger
                              testId={`release-${ch.id}`}
                              run={async (reason) => {
                                const r = await releaseOpening.mutateAsync({ channelId: ch.id, reason });
                                await qc.invalidateQueries({ queryKey: trpc.admin.channels.pathKey() });
                                return r;
                              }}
                              success="Opening released: its coverage is no longer reserved"
                            />
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </Loading>
        <p className="muted small">
          Settle: not offered here. A cooperative close needs the trader&apos;s signature on a CLOSE state (they request
          it from the channel screen); a unilateral settlement would mean the exchange challenging its own trader and
          concluding after the challenge period.
        </p>
      </Panel>
    </div>
  );
}
