/** "Is the exchange up?": the chain, the database and the deployment, each with a plain-language state. */
import type { PublicClient } from "viem";
import type { Deployment } from "../../contracts/deploy/deployment";
import { dbStatus, type DatabaseHandle, type Db } from "../db";
import type { EngineRuntime } from "../engine/runtime";

export interface ChainStatus {
  reachable: boolean;
  rpcUrl: string;
  chainId: number | null;
  headBlock: bigint | null;
  error: string | null;
}

export interface SystemStatus {
  chain: ChainStatus;
  database: Awaited<ReturnType<typeof dbStatus>>;
  deployment: { custody: string; deployBlock: bigint; tokens: string[] } | { error: string };
  /** the exchange's own services (engine, channels, watcher, watchtower) */
  services: { running: boolean; error: string | null; engineSequence: bigint | null; journalLag: number | null };
  /** the last time the database was reset because the chain changed, and why */
  lastChainReset: { at: Date; message: string } | null;
}

/** The running parts the status reads (the server's services satisfy it). */
export interface SystemStatusDeps {
  db: Db;
  database: DatabaseHandle;
  chain: { client: PublicClient; deployment: Deployment; rpcUrl: string } | null;
  engine: EngineRuntime;
}

async function chainStatus(client: PublicClient, rpcUrl: string): Promise<ChainStatus> {
  try {
    const [chainId, headBlock] = await Promise.all([client.getChainId(), client.getBlockNumber()]);
    return { reachable: true, rpcUrl, chainId, headBlock, error: null };
  } catch (e) {
    return { reachable: false, rpcUrl, chainId: null, headBlock: null, error: firstLine(e) };
  }
}

function firstLine(e: unknown): string {
  const err = e as { shortMessage?: string; message?: string };
  return (err.shortMessage ?? err.message ?? String(e)).split("\n")[0]!;
}

async function lastChainReset(db: Db): Promise<SystemStatus["lastChainReset"]> {
  const row = await db.auditLog
    .findFirst({ where: { action: "system.chain_reset" }, orderBy: { id: "desc" } })
    .catch(() => null);
  if (!row) return null;
  const after = row.after as { message?: string } | null;
  return { at: row.createdAt, message: after?.message ?? "database reset" };
}

export async function systemStatus(deps: SystemStatusDeps): Promise<SystemStatus> {
  const c = deps.chain;
  const [chain, database, reset] = await Promise.all([
    c
      ? chainStatus(c.client, c.rpcUrl)
      : { reachable: false, rpcUrl: "", chainId: null, headBlock: null, error: "no chain in this process" },
    dbStatus(deps.database),
    lastChainReset(deps.db),
  ]);
  const deployment = c
    ? {
        custody: c.deployment.custody,
        deployBlock: BigInt(c.deployment.deployBlock),
        tokens: Object.keys(c.deployment.tokens),
      }
    : { error: "no deployment in this process" };
  const engine = deps.engine.status();
  const services = {
    running: engine.failed === null,
    error: engine.failed,
    engineSequence: BigInt(engine.sequence),
    journalLag: Number(engine.journalLag),
  };
  return { chain, database, deployment, services, lastChainReset: reset };
}
