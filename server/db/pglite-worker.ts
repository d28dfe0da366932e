/**
 * The worker-thread side of server/db/pglite-thread.ts: owns the file-backed PGlite instance
 * and the real Prisma driver adapter for it (pglite-prisma-adapter), and answers the main
 * thread's driver-adapter calls. Everything that crosses the thread boundary is what Prisma's
 * driver-adapter interface already defines as plain data (queries, result sets, error payloads).
 *
 * Calls run one at a time, in order of arrival, except that statements marked as the order
 * path's (`HOT_SQL`, see server/db/hot-sql.ts: the session and idempotency-key lookups and the
 * journal write) go before everything else waiting — issuance rounds, the chain watcher's
 * polls, history reads — so an order's answer does not queue behind background work. While an
 * interactive transaction is open only its own statements run (anything else would wait for it
 * inside PGlite while holding the queue).
 */
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import type { IsolationLevel, SqlDriverAdapter, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PreparedStatements } from "./pg-wire.ts";
import type { WorkerNotification, WorkerReply, WorkerRequest } from "./pglite-thread";

const port = parentPort!;
// The hot-statement mark comes from the main thread (server/db/hot-sql.ts): this file imports no
// project module but ./pg-wire.ts (which imports none, with its extension as Node needs), so it
// also runs where Node strips the types itself (tests).
const { dataDir, hotPrefix } = workerData as { dataDir: string; hotPrefix: string };

async function main() {
  const pglite = new PGlite(dataDir);
  await pglite.waitReady;
  // Under load a new 16 MB WAL segment is needed every ~2 s; zero-filling it through PGlite's
  // synchronous file system held the one session for 50–80 ms (the journal write waited). The
  // segment's space is then allocated as WAL is written instead; durability is unchanged.
  await pglite.exec("SET wal_init_zero = off");
  const adapter: SqlDriverAdapter = await new PrismaPGlite(pglite).connect();
  const transactions = new Map<number, Transaction>();
  let nextTx = 1;
  /** LISTENed channels by the name PostgreSQL reports (unquoted names fold to lower case) → as asked */
  const channels = new Map<string, string>();
  const notify = (channel: string, payload: string) =>
    port.postMessage({ notify: channel, payload } satisfies WorkerNotification);
  const prepared = new PreparedStatements(pglite, (reported, payload) => {
    const channel = channels.get(reported);
    if (channel !== undefined) notify(channel, payload);
  });
  const textOnly = (params: unknown[]): params is (string | null)[] =>
    params.every((p) => typeof p === "string" || p === null);

  const answer = async (req: WorkerRequest): Promise<unknown> => {
    const on = (txId: number | undefined) => {
      if (txId === undefined) return adapter;
      const tx = transactions.get(txId);
      if (tx === undefined) throw new Error(`transaction ${txId} is not open`);
      return tx;
    };
    switch (req.op) {
      case "queryRaw":
        return on(req.txId).queryRaw(req.query as SqlQuery);
      case "executeRaw":
        return on(req.txId).executeRaw(req.query as SqlQuery);
      case "executeScript":
        return adapter.executeScript(req.script);
      case "startTransaction": {
        const tx = await adapter.startTransaction(req.isolationLevel as IsolationLevel | undefined);
        const txId = nextTx++;
        transactions.set(txId, tx);
        return { txId, options: tx.options };
      }
      case "commit":
      case "rollback": {
        const tx = on(req.txId) as Transaction;
        transactions.delete(req.txId);
        return req.op === "commit" ? tx.commit() : tx.rollback();
      }
      case "execute":
        // the journal batch (one JSON text) as a prepared statement (server/db/pg-wire.ts)
        if (textOnly(req.params)) return prepared.execute(req.sql, req.params);
        return (await pglite.query(req.sql, req.params)).affectedRows ?? 0;
      case "listen":
        // PGlite calls back while it finishes the statement whose commit sent the NOTIFY, so the
        // payload is posted before that statement's reply (so does `prepared`)
        channels.set(/^".*"$/.test(req.channel) ? req.channel.slice(1, -1) : req.channel.toLowerCase(), req.channel);
        await pglite.listen(req.channel, (payload) => notify(req.channel, payload));
        return null;
      case "close":
        await pglite.close();
        return null;
    }
  };

  const reply = (req: WorkerRequest, run: Promise<unknown>) =>
    run.then(
      (value) => port.postMessage({ id: req.id, ok: true, value } satisfies WorkerReply),
      (error: unknown) => {
        const e = error as Error & { cause?: unknown };
        // A DriverAdapterError carries a plain payload Prisma maps to its own errors (P2002, …).
        const driver = e?.name === "DriverAdapterError" ? e.cause : undefined;
        port.postMessage({
          id: req.id,
          ok: false,
          error: { name: e?.name ?? "Error", message: e?.message ?? String(error), driver },
        } satisfies WorkerReply);
      },
    );

  const hot: WorkerRequest[] = [];
  const normal: WorkerRequest[] = [];
  /** statements of open interactive transactions (and their commit/rollback) */
  const inTx: WorkerRequest[] = [];
  let openTx: number | null = null;
  let running = false;

  const next = (): WorkerRequest | undefined => {
    if (openTx !== null) {
      const i = inTx.findIndex((r) => "txId" in r && r.txId === openTx);
      return i < 0 ? undefined : inTx.splice(i, 1)[0];
    }
    return hot.shift() ?? normal.shift();
  };

  let scheduled = false;
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      pump();
    });
  };

  const pump = () => {
    if (running) return;
    const req = next();
    if (req === undefined) return;
    running = true;
    const ends = req.op === "commit" || req.op === "rollback";
    const run = answer(req).then(
      (value) => {
        if (req.op === "startTransaction") openTx = (value as { txId: number }).txId;
        if (ends) openTx = null;
        return value;
      },
      (error: unknown) => {
        if (ends) openTx = null;
        throw error;
      },
    );
    void reply(req, run).finally(() => {
      running = false;
      schedule();
    });
  };

  port.on("message", (req: WorkerRequest) => {
    if ("txId" in req && req.txId !== undefined) inTx.push(req);
    else if ((req.op === "queryRaw" || req.op === "executeRaw") && req.query.sql.startsWith(hotPrefix)) hot.push(req);
    else if (req.op === "execute" && req.sql.startsWith(hotPrefix)) hot.push(req);
    else normal.push(req);
    // Not at once: messages that arrived together (while a statement held this thread) are all
    // queued first, so the next pick sees every one of them.
    schedule();
  });
  port.postMessage({ id: 0, ok: true, value: "ready" } satisfies WorkerReply);
}

main().catch((error: unknown) => {
  port.postMessage({
    id: 0,
    ok: false,
    error: { name: "Error", message: `PGlite could not open ${dataDir}: ${(error as Error).message}` },
  } satisfies WorkerReply);
});
