/**
 * SECURITY attack 10: kill -9 in the middle of matching, restart → every acknowledged fill is
 * there, nothing is applied twice, balances net to zero, and the replayed state equals the
 * state the killed process had. A real child process (crash-child.test-util.ts) trades on a file-backed
 * PGlite folder (or a PostgreSQL database with TEST_DATABASE_URL) and is SIGKILLed mid-stream.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { checkInvariants, Exchange, type EngineEvent } from "../../core/engine";
import { openDatabase, type DatabaseHandle } from "../db";
import { createMigratedTestDatabase, type TestDatabase } from "../db/testing";
import { encode } from "./codec";
import { readJournal } from "./journal-store";
import { recoverExchange } from "./runtime";
import { seedMarkets, startQuietRuntime, storedEvents } from "./testing";

const serverUrl = inject("testDatabaseUrl");
let t: TestDatabase;
let pgliteDir: string | null = null;
let reopened: DatabaseHandle | null = null;

beforeAll(async () => {
  t = await createMigratedTestDatabase(serverUrl);
  await seedMarkets(t.handle.db);
  if (t.kind === "pglite") {
    pgliteDir = t.handle.location;
    await t.handle.close(); // the child owns the folder now
  }
});
afterAll(async () => {
  await reopened?.close();
  await t?.drop();
});

interface Ack {
  ack: string;
  kind: "deposit" | "order";
  key?: string;
  account?: string;
  orderId?: number;
  fills?: number;
  filled?: string;
}

describe(`kill -9 mid-matching (${serverUrl ? "PostgreSQL server" : "PGlite"})`, () => {
  it("SECURITY attack 10: after kill -9 and restart every acknowledged fill is there, nothing twice, balances net to zero, replay = the killed state", async () => {
    const target = pgliteDir !== null ? { pgliteDir } : { postgresUrl: (t.target as { url: string }).url };
    // node itself with tsx as a loader: the `tsx` binary is a wrapper whose SIGKILL would orphan the real process
    const node = path.join(process.cwd(), "node_modules", ".bin", "node");
    const child = spawn(
      node,
      ["--import", "tsx", path.join("server", "engine", "crash-child.test-util.ts"), JSON.stringify(target)],
      { cwd: process.cwd(), stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const acks: Ack[] = [];
    const digests: { state: string; digest: string }[] = [];
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on("exit", (_code, signal) => res(signal)));
    await new Promise<void>((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout });
      lines.on("line", (line) => {
        const o = JSON.parse(line) as Record<string, unknown>;
        if ("ack" in o) acks.push(o as unknown as Ack);
        if ("state" in o) digests.push(o as { state: string; digest: string });
        // kill once it has traded a while and recorded a state digest: it is mid-batch at almost any moment
        if (acks.length >= 600 && digests.length >= 2 && !child.killed) {
          child.kill("SIGKILL");
          resolve();
        }
      });
      child.on("exit", () => (child.killed ? resolve() : reject(new Error(`child exited early: ${stderr}`))));
    });
    expect(await exited).toBe("SIGKILL");
    const orderAcks = acks.filter((a) => a.kind === "order");
    expect(orderAcks.length).toBeGreaterThan(100);
    expect(orderAcks.filter((a) => (a.fills ?? 0) > 0).length).toBeGreaterThan(20); // it was matching

    // restart in this process on the same data (PGlite: the dead child's lock is stale and taken over)
    if (pgliteDir !== null) expect(fs.existsSync(`${pgliteDir}.lock`)).toBe(true);
    reopened =
      pgliteDir !== null
        ? openDatabase({ kind: "pglite", dataDir: pgliteDir })
        : openDatabase({ kind: "postgres", url: (t.target as { url: string }).url });
    const db = reopened.db;
    const rt = await startQuietRuntime(db);
    try {
      const live = rt.read((ex) => ex.snapshot());
      // balances net to zero (deposits - withdrawals), long = short, insurance >= 0
      expect(checkInvariants(live)).toEqual([]);

      // every acknowledged command is journaled, with the fills it answered with
      const stored = new Map((await storedEvents(db)).map((s) => [s.seq.toString(), s.events]));
      const maxAck = acks.reduce((m, a) => (BigInt(a.ack) > m ? BigInt(a.ack) : m), 0n);
      expect(rt.status().sequence).toBeGreaterThanOrEqual(maxAck);
      for (const a of orderAcks) {
        const events = stored.get(a.ack) ?? [];
        const fills = events.filter(
          (e): e is Extract<EngineEvent, { type: "fill" }> =>
            e.type === "fill" && (e.takerOrderId === a.orderId || e.makerOrderId === a.orderId),
        );
        expect(fills.length, `fills of acknowledged order ${a.orderId} at seq ${a.ack}`).toBe(a.fills);
        expect(fills.reduce((s, f) => s + f.sizeBase, 0n)).toBe(BigInt(a.filled!));
      }
      // nothing applied twice: one journal row per seq (gapless), one key per acknowledged order
      const keys = await db.idempotencyKey.findMany({
        where: { key: { startsWith: "crash-" } },
        select: { key: true, seq: true },
      });
      const keySeq = new Map(keys.map((k) => [k.key, k.seq.toString()]));
      for (const a of orderAcks) expect(keySeq.get(a.key!)).toBe(a.ack);
      const journalCount = await db.journalEntry.count();
      expect(BigInt(journalCount)).toBe(rt.status().sequence);

      // the replayed state equals the killed process's state at each digest it printed, and snapshot + journal = full replay
      const ex = Exchange.create([]);
      const want = new Map(digests.map((d) => [d.state, d.digest]));
      let checked = 0;
      for await (const row of readJournal(db, 0n)) {
        const events = ex.apply(row.command);
        expect(events).toEqual(stored.get(row.seq.toString()) ?? []);
        const digest = want.get(row.seq.toString());
        if (digest !== undefined) {
          expect(createHash("sha256").update(encode(ex.snapshot())).digest("hex"), `state at seq ${row.seq}`).toBe(
            digest,
          );
          checked++;
        }
      }
      expect(checked).toBe(digests.length);
      expect(ex.snapshot()).toEqual(live);
      const recovered = await recoverExchange(db);
      expect(recovered.snapshotSeq).toBeGreaterThan(0n);
      expect(recovered.exchange.snapshot()).toEqual(live);

      // and it trades on from there
      const next = await rt.submit({
        type: "deposit",
        account: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        asset: "USDC",
        amount: 1n,
      });
      expect(next.seq).toBe(BigInt(journalCount) + 1n);
    } finally {
      await rt.stop();
    }
  });
});
