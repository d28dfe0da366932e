"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../_trpc/client";
import type { SystemStatus } from "@/server/services/system-status";

/** Chain and database health, refreshed every few seconds. */
export function StatusPanel({ initial }: { initial: SystemStatus }) {
  const trpc = useTRPC();
  const { data } = useQuery({ ...trpc.system.status.queryOptions(), initialData: initial, refetchInterval: 5_000 });
  const s = data ?? initial;
  return (
    <section className="panel" aria-labelledby="status-title" data-testid="status">
      <h2 id="status-title">System status</h2>
      {s.lastChainReset && (
        <p className="notice" data-testid="chain-reset-notice">
          {s.lastChainReset.message} ({s.lastChainReset.at.toLocaleString()})
        </p>
      )}
      <dl className="kv">
        <dt>Chain</dt>
        <dd data-testid="chain-status">
          {s.chain.reachable ? (
            <>
              <span className="badge ok">connected</span> chain {s.chain.chainId}, block{" "}
              <span className="num">{s.chain.headBlock?.toString()}</span>
            </>
          ) : (
            <>
              <span className="badge bad">unreachable</span> {s.chain.rpcUrl}: {s.chain.error}
            </>
          )}
        </dd>
        <dt>Database</dt>
        <dd data-testid="db-status">
          {s.database.reachable ? (
            <>
              <span className="badge ok">connected</span>{" "}
              {s.database.kind === "pglite" ? "embedded PGlite" : "PostgreSQL"}, {s.database.appliedMigrations}{" "}
              migrations
              {s.database.pendingMigrations > 0 && (
                <span className="badge warn"> {s.database.pendingMigrations} pending</span>
              )}
            </>
          ) : (
            <>
              <span className="badge bad">unreachable</span> {s.database.error}
            </>
          )}
        </dd>
        <dt>Engine</dt>
        <dd data-testid="engine-status">
          {s.services.running ? (
            <>
              <span className="badge ok">running</span> sequence{" "}
              <span className="num">{s.services.engineSequence?.toString()}</span>
              {s.services.journalLag ? `, ${s.services.journalLag} not yet durable` : ""}
            </>
          ) : (
            <>
              <span className="badge bad">stopped</span> {s.services.error ?? "starting…"}
            </>
          )}
        </dd>
        <dt>Custody</dt>
        <dd className="num" data-testid="custody-status">
          {"error" in s.deployment ? <span className="error-text">{s.deployment.error}</span> : s.deployment.custody}
        </dd>
      </dl>
    </section>
  );
}
