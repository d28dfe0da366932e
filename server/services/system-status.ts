/** "Is the exchange up?": the chain, the database and the deployment, each with a plain-language state. */
import { chainClient } from "../chain/client";
import { currentDeployment } from "../chain/deployment";
import { dbStatus, getDb } from "../db";
import { maybeEngineRuntime } from "../engine/runtime";
import { env } from "../env";
import { servicesError } from "../runtime";

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

async function chainStatus(): Promise<ChainStatus> {
  const rpcUrl = env().chain.rpcUrl;
  try {
    const client = chainClient();
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

async function lastChainReset(): Promise<SystemStatus["lastChainReset"]> {
  const row = await getDb()
    .auditLog.findFirst({ where: { action: "system.chain_reset" }, orderBy: { id: "desc" } })
    .catch(() => null);
  if (!row) return null;
  const after = row.after as { message?: string } | null;
  return { at: row.createdAt, message: after?.message ?? "database reset" };
}

export async function systemStatus(): Promise<SystemStatus> {
  const [chain, database, deployment, reset] = await Promise.all([
    chainStatus(),
    dbStatus(),
    currentDeployment().then(
      (d) => ({ custody: d.custody, deployBlock: BigInt(d.deployBlock), tokens: Object.keys(d.tokens) }),
      (e: unknown) => ({ error: firstLine(e) }),
    ),
    lastChainReset(),
  ]);
  const engine = maybeEngineRuntime()?.status() ?? null;
  const error = servicesError();
  const services = {
    running: engine !== null && error === null,
    error,
    engineSequence: engine ? BigInt(engine.sequence) : null,
    journalLag: engine ? Number(engine.journalLag) : null,
  };
  return { chain, database, deployment, services, lastChainReset: reset };
}
