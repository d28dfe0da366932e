"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../../_trpc/client";
import { Loading, Panel, When } from "../../_ui/ui";

export default function HealthPage() {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.admin.health.queryOptions(), refetchInterval: 2_000 });
  return (
    <Loading q={q}>
      {() => {
        const h = q.data!;
        const e = h.engine;
        return (
          <div className="admin-grid two">
            <Panel title="Engine and journal">
              {e === null ? (
                <p className="error-text">The engine is not running in this process.</p>
              ) : (
                <dl className="kv">
                  <dt>State</dt>
                  <dd>
                    {e.failed ? (
                      <span className="error-text">stopped: {e.failed}</span>
                    ) : e.stopped ? (
                      "stopping"
                    ) : (
                      <span className="badge ok">running</span>
                    )}
                  </dd>
                  <dt>Sequence (memory / durable)</dt>
                  <dd className="num">
                    {e.sequence.toString()} / {e.durableSequence.toString()}
                  </dd>
                  <dt>Journal lag</dt>
                  <dd className="num">{e.journalLag} commands</dd>
                  <dt>Last journal entry</dt>
                  <dd>
                    <When at={e.lastJournalAtMs} />
                  </dd>
                  <dt>Batches (avg / max size)</dt>
                  <dd className="num">
                    {e.batches} ({e.avgBatchSize.toFixed(1)} / {e.maxBatchSize})
                  </dd>
                  <dt>Last snapshot at seq</dt>
                  <dd className="num">{e.lastSnapshotSeq.toString()}</dd>
                  <dt>Replayed on start</dt>
                  <dd className="num">{e.replayedOnStart}</dd>
                </dl>
              )}
            </Panel>
            <Panel title="Chain, watcher and watchtower">
              <dl className="kv">
                <dt>Chain head</dt>
                <dd className="num">
                  {h.chain.head?.toString() ?? <span className="error-text">{h.chain.error}</span>}
                </dd>
                <dt>Watcher</dt>
                <dd>
                  {h.watcher ? (
                    <>
                      processed up to <span className="num">{h.watcher.lastProcessedBlock?.toString() ?? "—"}</span>,{" "}
                      <span className="num">{h.watcher.lagBlocks?.toString() ?? "?"}</span> blocks behind (waits{" "}
                      {h.watcher.confirmations} confirmations), {h.watcher.reorgs} reorgs
                      {h.watcher.lastError && <span className="error-text"> — {h.watcher.lastError}</span>}
                    </>
                  ) : (
                    <span className="error-text">not running</span>
                  )}
                </dd>
                <dt>Watchtower</dt>
                <dd>
                  {h.watchtower ? (
                    <>
                      {h.watchtower.running ? "running" : "stopped"}, last round <When at={h.watchtower.lastRoundAt} />,{" "}
                      {h.watchtower.openChallenges} open challenges
                      {h.watchtower.lastError && <span className="error-text"> — {h.watchtower.lastError}</span>}
                    </>
                  ) : (
                    <span className="error-text">not running</span>
                  )}
                </dd>
              </dl>
            </Panel>
            <Panel title="Database">
              <dl className="kv">
                <dt>Kind</dt>
                <dd>
                  {h.database.kind} ({h.database.location})
                </dd>
                <dt>Reachable</dt>
                <dd>
                  {h.database.reachable ? (
                    <span className="badge ok">yes</span>
                  ) : (
                    <span className="error-text">no: {h.database.error}</span>
                  )}
                </dd>
                <dt>Migrations</dt>
                <dd>
                  {h.database.appliedMigrations} applied, {h.database.pendingMigrations} pending
                  {h.database.failedMigrations.length ? `, failed: ${h.database.failedMigrations.join(", ")}` : ""}
                </dd>
              </dl>
            </Panel>
            <Panel title="Subscriptions connected">
              <dl className="kv">
                <dt>Order books</dt>
                <dd className="num">{h.subscriptions.books}</dd>
                <dt>Trades and account feeds</dt>
                <dd className="num">{h.subscriptions.events}</dd>
                <dt>Channel states</dt>
                <dd className="num">{h.subscriptions.channelStates}</dd>
              </dl>
            </Panel>
          </div>
        );
      }}
    </Loading>
  );
}
