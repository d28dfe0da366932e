/**
 * Test parts for the channel tests (not shipped code): a real engine (core/engine Exchange)
 * applied synchronously behind the EnginePort, and a Hardhat node on a port of the channels'
 * range (8630–8639) with the contracts deployed.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { createPublicClient, http, type PublicClient } from "viem";
import { deployLocal } from "../../contracts/deploy/local";
import type { Deployment } from "../../contracts/deploy/deployment";
import { DEMO_MARKETS } from "../../core/engine/fixtures";
import { Exchange, type Command } from "../../core/engine";
import type { CommittedBatch, CommittedEntry, EnginePort, SubmitOptions } from "../ports";
import type { ChannelAsset, ChannelMarket } from "./service";

/** The real engine, one command per batch, listeners awaited in order. */
export class SyncEngine implements EnginePort {
  private seq = 0n;
  private readonly listeners: ((batch: CommittedBatch) => void | Promise<void>)[] = [];
  readonly exchange = Exchange.create(DEMO_MARKETS);

  private readonly requests = new Map<string, CommittedEntry>();

  /** `requestId`: once per id, as the runtime does (a repeat gets the first entry). */
  async submit(command: Command, options?: SubmitOptions): Promise<CommittedEntry> {
    const first = options?.requestId === undefined ? undefined : this.requests.get(options.requestId);
    if (first) return first;
    const entry = { seq: ++this.seq, command, events: this.exchange.apply(command) };
    if (options?.requestId !== undefined) this.requests.set(options.requestId, entry);
    for (const listener of this.listeners) await listener({ entries: [entry] });
    return entry;
  }

  read<T>(fn: (exchange: Exchange) => T): T {
    return fn(this.exchange);
  }

  onCommitted(listener: (batch: CommittedBatch) => void | Promise<void>): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
  }
}

export function demoChannelMarkets(): ChannelMarket[] {
  return DEMO_MARKETS.map((m) => ({
    symbol: m.symbol,
    kind: m.kind,
    quote: m.quote.symbol,
    baseDecimals: m.base.decimals,
    quoteDecimals: m.quote.decimals,
    lotSizeBase: m.lotSizeBase,
  }));
}

export function channelAssetsOf(deployment: Deployment): ChannelAsset[] {
  return Object.values(deployment.tokens).map((t) => ({ symbol: t.symbol, token: t.address.toLowerCase() as `0x${string}`, decimals: t.decimals }));
}

export interface TestChain {
  rpcUrl: string;
  client: PublicClient;
  deployment: Deployment;
  stop(): Promise<void>;
}

/** `hardhat node` on 127.0.0.1:port (own process group), contracts deployed with deployLocal. */
export async function startTestChain(port: number): Promise<TestChain> {
  const cli = path.join(process.cwd(), "node_modules", "hardhat", "dist", "src", "cli.js");
  const rpcUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [cli, "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: process.cwd(),
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, "exit");
  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-child.pid!, "SIGTERM");
    const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hardhat node on port ${port} exited: ${stderr}`);
    if (await client.getChainId().then(() => true, () => false)) break;
    if (Date.now() - started > 60_000) {
      await stop();
      throw new Error(`hardhat node on port ${port} not ready after 60 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    return { rpcUrl, client, deployment: await deployLocal({ rpcUrl }), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
