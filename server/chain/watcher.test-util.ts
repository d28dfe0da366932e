/**
 * Test parts for the chain watcher and watchtower tests: a real Hardhat node on a port of the
 * chain range (8640–8649), clients for it, and a real CustodyEventSink that records its effects
 * in the test database, idempotent by (txHash, logIndex) as the watcher requires of every sink.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { createPublicClient, createTestClient, createWalletClient, http, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Db } from "../db";
import type { CustodyEvent, CustodyEventSink } from "../ports";
import type { ExchangeWallet } from "./watchtower";

export interface LocalNode {
  rpcUrl: string;
  client: PublicClient;
  testClient: ReturnType<typeof makeTestClient>;
  wallet(privateKey: Hex): ExchangeWallet;
  stop(): Promise<void>;
}

function makeTestClient(rpcUrl: string) {
  return createTestClient({ mode: "hardhat", transport: http(rpcUrl) });
}

/** Starts `hardhat node` on 127.0.0.1:port in its own process group and waits until it answers. */
export async function startLocalNode(port: number): Promise<LocalNode> {
  // hardhat's package exports do not include its CLI; the file is where node_modules/.bin/hardhat points.
  const cli = path.resolve(process.cwd(), "node_modules/hardhat/dist/src/cli.js");
  const rpcUrl = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    [cli, "node", "--hostname", "127.0.0.1", "--port", String(port)],
    {
      cwd: process.cwd(),
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, "exit");
  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
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
    if (Date.now() - started > 60_000) throw new Error(`hardhat node on port ${port} not ready after 60 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const chain = {
    id: await client.getChainId(),
    name: "local",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  } as const;
  return {
    rpcUrl,
    client,
    testClient: makeTestClient(rpcUrl),
    wallet: (privateKey) =>
      createWalletClient({ account: privateKeyToAccount(privateKey), chain, transport: http(rpcUrl) }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(-child.pid!, "SIGTERM");
      const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** One effect the recording sink made or undid. */
export interface SinkJournalRow {
  seq: number;
  kind: "apply" | "revert";
  name: string;
  txHash: string;
  logIndex: number;
  blockHash: string;
}

/**
 * A CustodyEventSink whose effect is a row per (txHash, logIndex) in a test table: apply inserts
 * it unless present, revert deletes it if present; both journal what they changed. `calls`
 * counts every call, effective or not, so a test can tell delivery from effect.
 */
export async function createRecordingSink(db: Db) {
  await db.$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS "TestSinkEffect" (
    "txHash" TEXT NOT NULL, "logIndex" INT NOT NULL, "blockHash" TEXT NOT NULL, "name" TEXT NOT NULL,
    PRIMARY KEY ("txHash", "logIndex"))`);
  await db.$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS "TestSinkJournal" (
    "seq" SERIAL PRIMARY KEY, "kind" TEXT NOT NULL, "name" TEXT NOT NULL, "txHash" TEXT NOT NULL,
    "logIndex" INT NOT NULL, "blockHash" TEXT NOT NULL)`);
  const calls = { apply: 0, revert: 0 };
  /** set to make the next apply fail after its effect is committed (a crash between sink and watcher) */
  const faults = { failAfterNextApply: false };
  const sink: CustodyEventSink = {
    async apply(event: CustodyEvent) {
      calls.apply++;
      await db.$transaction(async (tx) => {
        const inserted = await tx.$executeRaw`
          INSERT INTO "TestSinkEffect" ("txHash", "logIndex", "blockHash", "name")
          VALUES (${event.txHash}, ${event.logIndex}, ${event.blockHash}, ${event.name})
          ON CONFLICT ("txHash", "logIndex") DO NOTHING`;
        if (inserted === 1) {
          await tx.$executeRaw`INSERT INTO "TestSinkJournal" ("kind", "name", "txHash", "logIndex", "blockHash")
            VALUES ('apply', ${event.name}, ${event.txHash}, ${event.logIndex}, ${event.blockHash})`;
        }
      });
      if (faults.failAfterNextApply) {
        faults.failAfterNextApply = false;
        throw new Error("sink: simulated crash after the effect was committed");
      }
    },
    async revert(event: CustodyEvent) {
      calls.revert++;
      await db.$transaction(async (tx) => {
        const deleted = await tx.$executeRaw`
          DELETE FROM "TestSinkEffect" WHERE "txHash" = ${event.txHash} AND "logIndex" = ${event.logIndex} AND "blockHash" = ${event.blockHash}`;
        if (deleted === 1) {
          await tx.$executeRaw`INSERT INTO "TestSinkJournal" ("kind", "name", "txHash", "logIndex", "blockHash")
            VALUES ('revert', ${event.name}, ${event.txHash}, ${event.logIndex}, ${event.blockHash})`;
        }
      });
    },
  };
  return {
    sink,
    calls,
    faults,
    effects: () => db.$queryRaw<{ txHash: string; logIndex: number; blockHash: string; name: string }[]>`
      SELECT "txHash", "logIndex", "blockHash", "name" FROM "TestSinkEffect" ORDER BY "txHash", "logIndex"`,
    journal: () => db.$queryRaw<SinkJournalRow[]>`SELECT * FROM "TestSinkJournal" ORDER BY "seq"`,
  };
}
