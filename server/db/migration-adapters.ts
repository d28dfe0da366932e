/**
 * Migration-aware driver adapter factories for the wasm schema engine, with the bugs of the
 * stock adapters worked around (see docs/DATABASE.md, "Adapter bugs"):
 *
 * - pglite-prisma-adapter 0.7.2 `executeScript` does not await `exec`, so a failing migration
 *   is recorded as applied. Ours awaits, inside a transaction.
 * - @prisma/adapter-pg 7.10 `executeScript` splits the script on ";" (breaks `$$` bodies and
 *   string literals) and runs the pieces on whatever pool connection is free (not atomic).
 *   Ours sends the whole script on one connection inside BEGIN … COMMIT.
 * - @prisma/adapter-pg 7.10 rejects PostgreSQL's internal `"char"` type (OID 18), which the
 *   engine's catalog queries return; ours reports it as a character column.
 * - @prisma/adapter-pg 7.10 `connectToShadowDb()` spreads `{ ...config, database }` over a
 *   connection string, which wins, so the "shadow" is the MAIN database (the engine then
 *   resets it). Ours creates a uniquely named database on the server (URL rewritten) and
 *   drops it afterwards, or — if the role may not create databases — uses in-memory PGlite.
 *
 * Every migration script therefore runs atomically: it either applies fully or leaves the
 * database as it was (statements that cannot run in a transaction block, e.g.
 * CREATE INDEX CONCURRENTLY, are not supported in migrations).
 */
import { ColumnTypeEnum } from "@prisma/driver-adapter-utils";
import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type Transaction,
} from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";

/** A database server error as the engine expects it (it then names code and message). */
function toDriverError(error: unknown): unknown {
  const e = error as {
    code?: unknown;
    message?: unknown;
    severity?: unknown;
    detail?: unknown;
    hint?: unknown;
    column?: unknown;
  };
  if (typeof e?.code === "string" && typeof e.message === "string") {
    return new DriverAdapterError({
      kind: "postgres",
      code: e.code,
      severity: typeof e.severity === "string" ? e.severity : "ERROR",
      message: e.message,
      detail: typeof e.detail === "string" ? e.detail : undefined,
      column: typeof e.column === "string" ? e.column : undefined,
      hint: typeof e.hint === "string" ? e.hint : undefined,
    });
  }
  return error;
}

/** Delegates everything to `inner` except `executeScript` and `dispose`. */
function withScriptRunner(
  inner: SqlDriverAdapter,
  executeScript: (script: string) => Promise<void>,
  dispose: () => Promise<void>,
): SqlDriverAdapter {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw: (q) => inner.queryRaw(q),
    executeRaw: (q) => inner.executeRaw(q),
    startTransaction: (level) => inner.startTransaction(level),
    getConnectionInfo: inner.getConnectionInfo ? () => inner.getConnectionInfo!() : undefined,
    executeScript,
    dispose,
  };
}

// ---------------------------------------------------------------- PGlite

async function pgliteAdapter(client: PGlite, onDispose: () => Promise<void>): Promise<SqlDriverAdapter> {
  const inner = await new PrismaPGlite(client).connect();
  return withScriptRunner(
    inner,
    async (script) => {
      try {
        await client.transaction(async (tx) => {
          await tx.exec(script);
        });
      } catch (error) {
        throw toDriverError(error);
      }
    },
    async () => {
      await inner.dispose();
      await onDispose();
    },
  );
}

/** Migrations on a PGlite instance the caller owns (and closes); the shadow is in-memory PGlite. */
export function pgliteMigrationFactory(client: PGlite): ClosableMigrationFactory {
  return tracked({
    provider: "postgres",
    adapterName: "clearline-migrate-pglite",
    connect: () => pgliteAdapter(client, async () => {}),
    connectToShadowDb: async () => {
      const shadow = await PGlite.create();
      return pgliteAdapter(shadow, () => shadow.close());
    },
  });
}

// ---------------------------------------------------------------- PostgreSQL server

const PG_CHAR_OID = 18;
const PG_BPCHAR_OID = 1042;

/**
 * adapter-pg's queryRaw maps each result column's type OID and throws on OID 18 ("char"),
 * which the engine's catalog queries return (e.g. pg_constraint.contype) and read back as a
 * Character column. Its performIO (the instance method queryRaw calls with the same query
 * object) returns pg's raw result: relabel those columns as bpchar so the mapping does not
 * throw, remember which they were, and report them to the engine as Character.
 */
function patchCharColumns<T extends object>(queryable: T): T {
  type Raw = { fields: { dataTypeID: number }[] };
  type Mapped = { columnTypes: number[] };
  const q = queryable as unknown as {
    performIO?: (query: object) => Promise<Raw>;
    queryRaw?: (query: object) => Promise<Mapped>;
  };
  const performIO = q.performIO;
  const queryRaw = q.queryRaw;
  if (typeof performIO !== "function" || typeof queryRaw !== "function") return queryable;
  const charColumns = new WeakMap<object, number[]>();
  q.performIO = async (query) => {
    const result = await performIO.call(queryable, query);
    const found: number[] = [];
    result?.fields?.forEach((field, i) => {
      if (field.dataTypeID === PG_CHAR_OID) {
        field.dataTypeID = PG_BPCHAR_OID;
        found.push(i);
      }
    });
    if (found.length > 0 && typeof query === "object" && query !== null) charColumns.set(query, found);
    return result;
  };
  q.queryRaw = async (query) => {
    const result = await queryRaw.call(queryable, query);
    for (const i of charColumns.get(query) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
    return result;
  };
  return queryable;
}

async function postgresAdapter(url: string, onDispose: () => Promise<void>): Promise<SqlDriverAdapter> {
  // One connection: the engine takes a session-level advisory lock (pg_advisory_lock(72707369))
  // and must release it on the same session; a pool would scatter lock and unlock.
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const inner = patchCharColumns(await new PrismaPg(pool).connect());
  const adapter = withScriptRunner(
    inner,
    async (script) => {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        // No parameters: pg uses the simple query protocol, which accepts many statements.
        await client.query(script);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw toDriverError(error);
      } finally {
        client.release();
      }
    },
    async () => {
      await pool.end();
      await onDispose();
    },
  );
  const startTransaction = adapter.startTransaction;
  adapter.startTransaction = async (level) => patchCharColumns<Transaction>(await startTransaction(level));
  return adapter;
}

/** `url` with its database name replaced (the URL, not a config spread: see header). */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Creates and later drops a throwaway database on the server, or falls back to in-memory PGlite. */
async function postgresShadow(url: string, onNote?: (note: string) => void): Promise<SqlDriverAdapter> {
  const name = `clearline_shadow_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } catch (error) {
    await admin.end();
    onNote?.(`cannot create a shadow database on the server (${(error as Error).message}); using in-memory PGlite`);
    const shadow = await PGlite.create();
    return pgliteAdapter(shadow, () => shadow.close());
  }
  return postgresAdapter(withDatabase(url, name), async () => {
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  });
}

export function postgresMigrationFactory(
  url: string,
  options: { onNote?: (note: string) => void } = {},
): ClosableMigrationFactory {
  if (databaseNameOf(url) === "") throw new Error("DATABASE_URL must name a database");
  return tracked({
    provider: "postgres",
    adapterName: "clearline-migrate-pg",
    connect: () => postgresAdapter(url, async () => {}),
    connectToShadowDb: () => postgresShadow(url, options.onNote),
  });
}

// ---------------------------------------------------------------- disposal

/** A factory that can dispose every adapter it handed out. */
export interface ClosableMigrationFactory extends SqlMigrationAwareDriverAdapterFactory {
  /** Disposes adapters the engine did not (it does not on free()): ends pools, releases its advisory lock, drops shadow databases. */
  closeAll(): Promise<void>;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

function tracked(factory: SqlMigrationAwareDriverAdapterFactory): ClosableMigrationFactory {
  const open = new Set<() => Promise<void>>();
  const track = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    const dispose = once(() => adapter.dispose());
    open.add(dispose);
    return {
      ...adapter,
      dispose: async () => {
        open.delete(dispose);
        await dispose();
      },
    };
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => track(await factory.connect()),
    connectToShadowDb: async () => track(await factory.connectToShadowDb()),
    closeAll: async () => {
      const pending = [...open];
      open.clear();
      const results = await Promise.allSettled(pending.map((d) => d()));
      const failed = results.find((r) => r.status === "rejected");
      if (failed) throw (failed as PromiseRejectedResult).reason;
    },
  };
}
