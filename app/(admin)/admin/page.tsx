"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "../../_trpc/client";
import { Addr, Amount, Loading, Panel, Verdict, When } from "../_ui/ui";

/** "Is the exchange healthy, solvent and safe right now?" — one screen, refreshed every 5 s. */
export default function OverviewPage() {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.admin.overview.queryOptions(), refetchInterval: 5_000 });
  return (
    <Loading q={q}>
      {() => {
        const o = q.data!;
        const h = o.health;
        return (
          <div className="admin-grid">
            <div className="verdicts">
              <Verdict label="Healthy" ok={o.healthy.ok} reasons={o.healthy.reasons} testId="verdict-healthy" />
              <Verdict label="Solvent" ok={o.solvent.ok} reasons={o.solvent.reasons} testId="verdict-solvent" />
              <Verdict label="Safe" ok={o.safe.ok} reasons={o.safe.reasons} testId="verdict-safe" />
            </div>
            <Panel
              title="Coverage per asset (owed to traders vs held in custody)"
              actions={<Link href="/admin/channels">Channels →</Link>}
            >
              {o.coverageError && <p className="warn-text">{o.coverageError}</p>}
              <div className="table-scroll">
                <table className="data dense">
                  <thead>
                    <tr>
                      <th>Asset</th>
                      <th className="r">Owed to traders</th>
                      <th className="r">Locked in channels</th>
                      <th className="r">Exchange free</th>
                      <th className="r" title="promised to channels being opened and to pending top-ups">
                        Reserved
                      </th>
                      <th className="r">Unreserved</th>
                      <th className="r">Surplus</th>
                      <th className="r" title="deposits reorged out after they were traded: not taken back">
                        Reorg shortfall
                      </th>
                      <th className="r">Insurance</th>
                      <th className="r">Fees</th>
                    </tr>
                  </thead>
                  <tbody>
                    {o.coverage.map((c) => (
                      <tr key={c.asset}>
                        <td>{c.asset}</td>
                        <td className="r">
                          <Amount value={c.owedToTraders} decimals={c.decimals} />
                        </td>
                        <td className="r">
                          <Amount value={c.lockedInChannels} decimals={c.decimals} />
                        </td>
                        <td className="r">
                          <Amount value={c.exchangeAvailable} decimals={c.decimals} />
                        </td>
                        <td className="r" title={`${c.openingChannels} opening channel(s)`}>
                          <Amount value={c.reservedForOpenings + c.reservedForTopUps} decimals={c.decimals} />
                        </td>
                        <td className="r">
                          <Amount value={c.unreserved} decimals={c.decimals} />
                        </td>
                        <td className="r">
                          <Amount value={c.surplus} decimals={c.decimals} />
                        </td>
                        <td className={`r${c.reorgShortfall > 0n ? " warn-text" : ""}`}>
                          <Amount value={c.reorgShortfall} decimals={c.decimals} />
                        </td>
                        <td className="r">
                          <Amount value={c.insuranceFund} decimals={c.decimals} />
                        </td>
                        <td className="r">
                          <Amount value={c.feeAccount} decimals={c.decimals} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Panel>
            {o.reorgShortfalls.length > 0 && (
              <Panel title="Deposits reorged out after they were traded (accounts suspended)">
                <div className="table-scroll">
                  <table className="data dense" data-testid="reorg-shortfalls">
                    <thead>
                      <tr>
                        <th>When</th>
                        <th>Account</th>
                        <th>Asset</th>
                        <th className="r">Reorged out</th>
                        <th className="r">Taken back</th>
                        <th className="r">Shortfall</th>
                        <th>Log</th>
                      </tr>
                    </thead>
                    <tbody>
                      {o.reorgShortfalls.map((r) => {
                        const decimals = o.coverage.find((c) => c.asset === r.asset)?.decimals ?? 0;
                        return (
                          <tr key={r.id.toString()}>
                            <td>
                              <When at={r.createdAt} />
                            </td>
                            <td>
                              <Addr value={r.trader} />
                            </td>
                            <td>{r.asset}</td>
                            <td className="r">
                              <Amount value={r.owed} decimals={decimals} />
                            </td>
                            <td className="r">
                              <Amount value={r.takenBack} decimals={decimals} />
                            </td>
                            <td className="r warn-text">
                              <Amount value={r.shortfall} decimals={decimals} />
                            </td>
                            <td className="small">
                              {r.event} <Addr value={r.txHash} />:{r.logIndex}
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
              </Panel>
            )}
            <div className="stat-row">
              <Stat
                label="Engine sequence"
                value={h.engine ? h.engine.sequence.toString() : "not running"}
                sub={h.engine ? `journal lag ${h.engine.journalLag}` : undefined}
                href="/admin/health"
              />
              <Stat
                label="Chain head"
                value={h.chain.head?.toString() ?? "unreachable"}
                sub={h.watcher ? `watcher ${h.watcher.lagBlocks ?? "?"} blocks behind` : "watcher not running"}
                href="/admin/health"
              />
              <Stat
                label="Accounts below maintenance"
                value={String(o.risk.below)}
                sub={`${o.risk.near} near, ${o.risk.withPositions} with positions`}
                href="/admin/risk"
                bad={o.risk.below > 0}
              />
              <Stat label="Liquidations (24 h)" value={String(o.recentLiquidations24h)} href="/admin/risk" />
              <Stat
                label="Open challenges"
                value={String(o.openChallenges.length)}
                href="/admin/channels"
                bad={o.openChallenges.length > 0}
              />
              <Stat
                label="Halted markets"
                value={o.haltedMarkets.length ? o.haltedMarkets.join(", ") : "none"}
                href="/admin/markets"
                bad={o.haltedMarkets.length > 0}
              />
              <Stat
                label="Subscriptions"
                value={String(h.subscriptions.events + h.subscriptions.books + h.subscriptions.channelStates)}
                sub={`${h.subscriptions.books} book, ${h.subscriptions.events} event, ${h.subscriptions.channelStates} channel`}
                href="/admin/health"
              />
              <Stat
                label="Database"
                value={h.database.reachable ? "reachable" : "unreachable"}
                sub={`${h.database.kind}, ${h.database.pendingMigrations} pending migrations`}
                href="/admin/health"
                bad={!h.database.reachable}
              />
            </div>
          </div>
        );
      }}
    </Loading>
  );
}

function Stat({
  label,
  value,
  sub,
  href,
  bad = false,
}: {
  label: string;
  value: string;
  sub?: string;
  href: string;
  bad?: boolean;
}) {
  return (
    <Link
      href={href}
      className={`stat panel${bad ? " bad" : ""}`}
      data-testid={`stat-${label
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/-+$/, "")}`}
    >
      <span className="muted">{label}</span>
      <strong className="num">{value}</strong>
      {sub && <span className="muted small">{sub}</span>}
    </Link>
  );
}
