/**
 * Integration-test support: broker nodes as real processes on ports 8900–8949, each on a PGlite
 * folder under a mkdtemp, and a test peer that signs its own envelopes. Spawned as
 * `node --import tsx` rather than the `tsx` wrapper: SIGKILL must hit the process that holds the
 * database (docs/ENGINE-RUNTIME.md, Crash). Keys are the local chain's WELL-KNOWN TEST accounts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Address, Hex } from "viem";
import { hardhatTestAccount } from "../../core/chain/hardhat-test-accounts";
import { encodeEnvelope, signEnvelope, type B2BLog, type LogDirection, type RpcBodies } from "../../core/b2b";
import type { RpcCounter, RpcKind } from "../../core/clearing";
import { openDatabase } from "../db";
import { decimalToBigint } from "../db/decimal";

const key = (index: number) => {
  const a = hardhatTestAccount(index);
  return { address: a.address.toLowerCase() as Address, privateKey: a.privateKey as Hex, index };
};
/** demo brokers (test accounts #6, #7) and the test's own peer (#8) */
export const A = key(6);
export const B = key(7);
export const C = key(8);
export const OUTSIDER = key(9);

export async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), "broker-node-"));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
}

export interface NodeProcess {
  url: string;
  output: () => string;
  /** SIGTERM and wait for the exit */
  stop(): Promise<number | null>;
  kill9(): Promise<void>;
}

export async function spawnNode(o: {
  id: string;
  account: number;
  port: number;
  dataDir: string;
  peers: { address: Address; port: number }[];
  env?: Record<string, string>;
}): Promise<NodeProcess> {
  const args = ["--import", "tsx", "server/broker-node/main.ts", "--port", String(o.port), "--node-id", o.id];
  // eslint-disable-next-line no-restricted-properties -- the child gets this process's PATH and HOME, nothing else
  const { PATH = "", HOME = "" } = process.env;
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: "test",
    PATH,
    HOME,
    BROKER_TEST_ACCOUNT: String(o.account),
    BROKER_PGLITE_DIR: o.dataDir,
    BROKER_PEERS: o.peers.map((p) => `${p.address}@http://127.0.0.1:${p.port}`).join(","),
    ...o.env,
  };
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: process.cwd(),
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((res) => child.once("exit", (code) => res(code)));
  const url = `http://127.0.0.1:${o.port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`node ${o.id} exited ${child.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${url}/b2b/status`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`node ${o.id} did not start:\n${out}`);
    await sleep(200);
  }
  return {
    url,
    output: () => out,
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
    async kill9() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface NodeStatus {
  logLength: string;
  logHead: string;
  engineSeq: string;
  peers: { address: string; lastSeqIn: string; lastSeqOut: string }[];
}

export async function status(url: string): Promise<NodeStatus> {
  return (await fetch(`${url}/b2b/status`)).json() as Promise<NodeStatus>;
}

export const seqs = (s: NodeStatus, peer: Address) => s.peers.find((p) => p.address === peer)!;

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Asks a node (ops endpoint) to start a call to `peer`. */
export async function ops(
  url: string,
  peer: Address,
  kind: number,
  body: unknown,
): Promise<{ ok: boolean; seq?: string }> {
  const res = await fetch(`${url}/ops/send`, { method: "POST", body: JSON.stringify({ peer, kind, body }) });
  return res.json() as Promise<{ ok: boolean; seq?: string }>;
}

export async function post(
  url: string,
  wire: string,
): Promise<{ status: number; body: { refusal?: string; message?: string } }> {
  const res = await fetch(`${url}/b2b`, { method: "POST", body: wire });
  return { status: res.status, body: (await res.json()) as { refusal?: string } };
}

/** A signed envelope's wire text from `from` (a test key) to `to`. */
export function wireOf<K extends RpcKind>(
  from: { address: Address; privateKey: Hex },
  to: Address,
  seq: bigint,
  kind: K,
  body: RpcBodies[K],
  extra: { chainId?: bigint; sentAtMs?: bigint } = {},
): string {
  const envelope = {
    from: from.address,
    to,
    chainId: extra.chainId ?? 31337n,
    seq,
    kind,
    sentAtMs: extra.sentAtMs ?? BigInt(Date.now()),
    body,
  };
  return encodeEnvelope(signEnvelope(envelope, from.privateKey));
}

/** A stopped node's B2B tables: its log as core/b2b reads it, meters per peer, orders, peers. */
export async function readNode(dataDir: string, owner: Address) {
  const handle = openDatabase({ kind: "pglite", dataDir });
  try {
    const db = handle.db;
    const rows = await db.b2BLogEntry.findMany({ orderBy: { index: "asc" } });
    const log: B2BLog = {
      owner,
      chainId: 31337n,
      entries: rows.map((r) => ({
        index: r.index,
        prevHash: r.prevHash as Hex,
        direction: r.direction as LogDirection,
        envelope: r.envelope,
        signature: r.signature as Hex,
      })),
    };
    const meters = new Map<string, RpcCounter[]>();
    for (const m of await db.b2BMeter.findMany({ orderBy: [{ payer: "asc" }, { kind: "asc" }] }))
      meters.set(m.peer, [
        ...(meters.get(m.peer) ?? []),
        {
          payer: m.payer as Address,
          kind: m.kind,
          calls: m.calls,
          bytesTotal: m.bytesTotal,
          dbReads: m.dbReads,
          dbWrites: m.dbWrites,
          feeAmount: decimalToBigint(m.feeAmount),
        },
      ]);
    const orders = await db.b2BOrder.findMany();
    const peers = await db.b2BPeer.findMany();
    const keys = await db.idempotencyKey.findMany({ where: { key: { startsWith: "b2b:rpc:" } } });
    return { log, rows, meters, orders, peers, keys };
  } finally {
    await handle.close();
  }
}
