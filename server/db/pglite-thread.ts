/**
 * Embedded PGlite on its own thread, for the app server.
 *
 * PGlite runs Postgres as WebAssembly, synchronously, with synchronous file I/O: in the same
 * thread as the HTTP server, engine and signing it took ~45% of that one thread's CPU under
 * load (docs/adr/0002-pglite-on-a-worker-thread.md). Here the PGlite instance and pglite-prisma-adapter live
 * in a worker thread (server/db/pglite-worker.ts) and the PrismaClient on the main thread talks
 * to them through a driver adapter that forwards Prisma's driver-adapter calls — whose
 * queries, result sets and error payloads are plain data by design — over a MessagePort. The
 * database work then runs on the other core, while the main thread goes on serving requests.
 *
 * Semantics are those of the in-thread adapter: one PGlite session; an interactive transaction
 * holds it (other statements wait in the worker until it commits or rolls back); Prisma sees
 * the same DriverAdapterError payloads (unique violations, …).
 *
 * Only the server's composition root uses this (server/app-services.ts; Next.js's own bundles
 * never open a database: pages use the root's services). Tests and tools keep PGlite in-thread
 * (server/db.ts).
 */
import fs from "node:fs";
import { Worker } from "node:worker_threads";
import {
  DriverAdapterError,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
  type TransactionOptions,
} from "@prisma/driver-adapter-utils";
import { PrismaClient } from "../../generated/prisma/client";
import type { DatabaseHandle } from "../db";
import { HOT_SQL } from "./hot-sql";
import { registerExecute } from "./execute";
import type { Listen, NotificationListener } from "./notifications";
import { lockPgliteDir } from "./pglite-lock";

export type WorkerRequest = { id: number } & (
  | { op: "queryRaw" | "executeRaw"; txId?: number; query: SqlQuery }
  | { op: "executeScript"; script: string }
  | { op: "startTransaction"; isolationLevel?: IsolationLevel }
  | { op: "commit" | "rollback"; txId: number }
  | { op: "listen"; channel: string }
  /** one statement on PGlite itself, past the Prisma adapter (server/db/execute.ts) */
  | { op: "execute"; sql: string; params: unknown[] }
  | { op: "close" }
);

/** A NOTIFY the worker's PGlite received, posted before the reply of the statement that delivered it. */
export type WorkerNotification = { notify: string; payload: string };

export type WorkerReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; message: string; driver?: unknown } };

type Call = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

class PgliteThread {
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 1;
  private failure: Error | null = null;
  private readonly listeners = new Map<string, Set<NotificationListener>>();
  private readonly listening = new Map<string, Promise<unknown>>();

  private constructor(private readonly worker: Worker) {
    worker.on("message", (reply: WorkerReply | WorkerNotification) => {
      if ("notify" in reply) {
        for (const l of this.listeners.get(reply.notify) ?? []) l.notify(reply.payload);
        return;
      }
      const p = this.pending.get(reply.id);
      if (p === undefined) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.value);
      else if (reply.error.driver !== undefined)
        p.reject(new DriverAdapterError(reply.error.driver as ConstructorParameters<typeof DriverAdapterError>[0]));
      else p.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
    });
    const fail = (error: Error) => {
      this.failure = error;
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
      for (const set of this.listeners.values()) for (const l of set) l.lost();
      this.listeners.clear();
      this.listening.clear();
    };
    worker.on("error", (error) => fail(new Error(`the PGlite thread failed: ${error.message}`)));
    worker.on("exit", (code) => fail(new Error(`the PGlite thread exited (code ${code})`)));
  }

  static async start(dataDir: string): Promise<PgliteThread> {
    const worker = new Worker(new URL("./pglite-worker.ts", import.meta.url), {
      workerData: { dataDir, hotPrefix: HOT_SQL },
    });
    const thread = new PgliteThread(worker);
    // id 0 is the worker's "ready" (or its failure to open the folder).
    await new Promise<void>((resolve, reject) => thread.pending.set(0, { resolve: () => resolve(), reject }));
    return thread;
  }

  call<T>(request: Call): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  /** The worker LISTENs once per channel; every listener of a channel gets each payload. */
  readonly listen: Listen = async (channel, listener) => {
    // one LISTEN in the worker per channel, also when two listeners start at once
    let listening = this.listening.get(channel);
    if (listening === undefined) this.listening.set(channel, (listening = this.call({ op: "listen", channel })));
    await listening;
    let set = this.listeners.get(channel);
    if (set === undefined) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    listener.listening();
    return async () => {
      set.delete(listener);
    };
  };

  async close(): Promise<void> {
    if (!this.failure) await this.call({ op: "close" }).catch(() => undefined);
    await this.worker.terminate();
  }
}

const ADAPTER_NAME = "clearline-pglite-thread";

class ThreadQueryable {
  readonly provider = "postgres" as const;
  readonly adapterName = ADAPTER_NAME;
  constructor(
    protected readonly thread: PgliteThread,
    protected readonly txId?: number,
  ) {}
  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.thread.call({ op: "queryRaw", query, txId: this.txId });
  }
  executeRaw(query: SqlQuery): Promise<number> {
    return this.thread.call({ op: "executeRaw", query, txId: this.txId });
  }
}

class ThreadTransaction extends ThreadQueryable implements Transaction {
  constructor(
    thread: PgliteThread,
    readonly txId: number,
    readonly options: TransactionOptions,
  ) {
    super(thread, txId);
  }
  commit(): Promise<void> {
    return this.thread.call({ op: "commit", txId: this.txId });
  }
  rollback(): Promise<void> {
    return this.thread.call({ op: "rollback", txId: this.txId });
  }
}

class ThreadAdapter extends ThreadQueryable implements SqlDriverAdapter {
  executeScript(script: string): Promise<void> {
    return this.thread.call({ op: "executeScript", script });
  }
  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const { txId, options } = await this.thread.call<{ txId: number; options: TransactionOptions }>({
      op: "startTransaction",
      isolationLevel,
    });
    return new ThreadTransaction(this.thread, txId, options);
  }
  getConnectionInfo() {
    return { supportsRelationJoins: true };
  }
  async dispose(): Promise<void> {}
}

class ThreadAdapterFactory implements SqlDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = ADAPTER_NAME;
  constructor(private readonly thread: PgliteThread) {}
  connect(): Promise<SqlDriverAdapter> {
    return Promise.resolve(new ThreadAdapter(this.thread));
  }
}

/** Opens the file-backed PGlite in `dataDir` on a worker thread (locking the folder as the in-thread one does). */
export async function openPgliteOnThread(dataDir: string): Promise<DatabaseHandle> {
  fs.mkdirSync(dataDir, { recursive: true });
  const unlock = lockPgliteDir(dataDir);
  let thread: PgliteThread;
  try {
    thread = await PgliteThread.start(dataDir);
  } catch (error) {
    unlock();
    throw error;
  }
  const db = new PrismaClient({ adapter: new ThreadAdapterFactory(thread) });
  registerExecute(db, (sql, params) => thread.call<number>({ op: "execute", sql, params: params as unknown[] }));
  return {
    db,
    kind: "pglite",
    location: `${dataDir} (worker thread)`,
    listen: thread.listen,
    close: async () => {
      try {
        await db.$disconnect();
        await thread.close();
      } finally {
        unlock();
      }
    },
  };
}
