/**
 * The worker-thread side of server/db/pglite-thread.ts: owns the file-backed PGlite instance
 * and the real Prisma driver adapter for it (pglite-prisma-adapter), and answers the main
 * thread's driver-adapter calls. Everything that crosses the thread boundary is what Prisma's
 * driver-adapter interface already defines as plain data (queries, result sets, error payloads).
 */
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import type { IsolationLevel, SqlDriverAdapter, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { WorkerReply, WorkerRequest } from "./pglite-thread";

const port = parentPort!;
const { dataDir } = workerData as { dataDir: string };

async function main() {
  const pglite = new PGlite(dataDir);
  await pglite.waitReady;
  const adapter: SqlDriverAdapter = await new PrismaPGlite(pglite).connect();
  const transactions = new Map<number, Transaction>();
  let nextTx = 1;

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
      case "close":
        await pglite.close();
        return null;
    }
  };

  port.on("message", (req: WorkerRequest) => {
    answer(req).then(
      (value) => port.postMessage({ id: req.id, ok: true, value } satisfies WorkerReply),
      (error: unknown) => {
        const e = error as Error & { cause?: unknown };
        // A DriverAdapterError carries a plain payload Prisma maps to its own errors (P2002, …).
        const driver = e?.name === "DriverAdapterError" ? e.cause : undefined;
        port.postMessage({ id: req.id, ok: false, error: { name: e?.name ?? "Error", message: e?.message ?? String(error), driver } } satisfies WorkerReply);
      },
    );
  });
  port.postMessage({ id: 0, ok: true, value: "ready" } satisfies WorkerReply);
}

main().catch((error: unknown) => {
  port.postMessage({ id: 0, ok: false, error: { name: "Error", message: `PGlite could not open ${dataDir}: ${(error as Error).message}` } } satisfies WorkerReply);
});
