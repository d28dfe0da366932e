/**
 * Test parts for the channel tests (not shipped code): a real engine (core/engine Exchange)
 * applied synchronously behind the EnginePort, and a Hardhat node on a port of the channels'
 * range (8630–8639) with the contracts deployed.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { createPublicClient, http, keccak256, stringToHex, type Address, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { deployLocal } from "../../contracts/deploy/local";
import type { Deployment } from "../../contracts/deploy/deployment";
import { DEMO_MARKETS } from "../../core/engine/fixtures";
import { Exchange, type Command } from "../../core/engine";
import {
  bytesToHex,
  channelId,
  hashTraderAppData,
  Intent,
  type ChannelDomain,
  type ChannelState,
  type StateSigner,
  type TraderAppData,
} from "../../core/channel";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../../generated/prisma/client";
import type { Db } from "../db";
import type { TestDatabase } from "../db/testing";
import type { CommittedBatch, CommittedEntry, EnginePort, SubmitOptions } from "../ports";
import { fundingColumns, stateRowData } from "./repository";
import { channelServiceDeps } from "./deps";
import type { ChannelMarket, ChannelServiceDeps } from "./service";

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
    if (
      await client.getChainId().then(
        () => true,
        () => false,
      )
    )
      break;
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

/**
 * `count` ACTIVE channels written straight into the database (as the custody sink leaves them
 * after ChannelOpened: INITIALIZE state signed by the exchange, funding = the trader's USDC
 * deposit + 2× coverage) with the deposit credited in the engine — for issuance tests and
 * measurements that need many channels but no chain. Returns the traders' engine accounts.
 */
export async function seedActiveChannels(
  db: Db,
  engine: SyncEngine,
  signer: StateSigner,
  domain: ChannelDomain,
  usdc: Address,
  count: number,
  depositE6 = 1_000_000_000n,
): Promise<string[]> {
  const traders: string[] = [];
  const token = usdc.toLowerCase() as Address;
  const appData: TraderAppData = { journalSeq: 0n, markTime: 0n, fees: [], positions: [] };
  const channels = [];
  const states = [];
  for (let i = 0; i < count; i++) {
    const trader = privateKeyToAccount(keccak256(stringToHex(`seeded trader ${i}`))).address;
    traders.push(trader);
    const nonce = BigInt(i + 1);
    const id = channelId({
      chainId: domain.chainId,
      custody: domain.verifyingContract,
      trader,
      exchange: signer.address,
      nonce,
    });
    const state: ChannelState = {
      channelId: id,
      version: 0n,
      intent: Intent.INITIALIZE,
      allocations: [{ token, traderAmount: depositE6, exchangeAmount: 2n * depositE6 }],
      appDataHash: hashTraderAppData(appData),
    };
    const { signature, digest } = signer.sign(domain, state);
    channels.push({
      id,
      trader,
      nonce,
      status: "ACTIVE" as const,
      latestVersion: 0n,
      onChainVersion: 0n,
      ...fundingColumns([{ token, total: 3n * depositE6 }]),
    });
    states.push(
      stateRowData({
        state,
        appData,
        stateHash: bytesToHex(digest),
        exchangeSignature: signature,
        traderSignature: null,
      }),
    );
  }
  await db.$transaction([db.channel.createMany({ data: channels }), db.channelState.createMany({ data: states })]);
  for (const trader of traders)
    engine.exchange.apply({ type: "deposit", account: trader, asset: "USDC", amount: depositE6 });
  return traders;
}

/** One committed batch in which every one of `accounts` gets `amount` USDC more (a real engine deposit each), as the runtime hands it to listeners. */
export function depositBatch(
  engine: SyncEngine,
  accounts: readonly string[],
  seq: bigint,
  amount = 1n,
): CommittedBatch {
  const entries: CommittedEntry[] = accounts.map((account, i) => {
    const command: Command = { type: "deposit", account, asset: "USDC", amount };
    return { seq: seq + BigInt(i), command, events: engine.exchange.apply(command) };
  });
  return { entries };
}

/**
 * A second PrismaClient on a test database that reports every SQL statement it sends (Prisma's
 * `query` log events): for proving how many statements an operation costs.
 */
export function statementCountingClient(t: TestDatabase): { db: Db; statements: string[]; close(): Promise<void> } {
  const log = [{ emit: "event" as const, level: "query" as const }];
  const db =
    t.target.kind === "postgres"
      ? new PrismaClient({ adapter: new PrismaPg({ connectionString: t.target.url }), log })
      : new PrismaClient({ adapter: new PrismaPGlite(t.handle.pglite!), log });
  const statements: string[] = [];
  db.$on("query", (e) => statements.push(e.query));
  return { db: db as unknown as Db, statements, close: () => db.$disconnect() };
}

/**
 * A channel service's dependencies against a test chain, as the running server wires them:
 * fast signer/verifier with `exchangeKey`, the deployment's assets, the demo markets, 200%
 * coverage, the custody contract as the chain, and a submitter (through `rpcUrl`, default the
 * chain's own). Tests spread it and override what they vary.
 */
export function chainChannelServiceDeps(o: {
  db: Db;
  engine: EnginePort;
  chain: TestChain;
  exchangeKey: `0x${string}`;
  rpcUrl?: string;
}): ChannelServiceDeps {
  return channelServiceDeps({
    db: o.db,
    engine: o.engine,
    client: o.chain.client,
    deployment: o.chain.deployment,
    rpcUrl: o.rpcUrl ?? o.chain.rpcUrl,
    exchangeKey: o.exchangeKey,
    markets: demoChannelMarkets(),
    coverageBps: 20_000n,
  });
}
