/**
 * The database: a PrismaClient on PostgreSQL (`@prisma/adapter-pg`) when DATABASE_URL is set,
 * else on embedded PGlite (file-backed in PGLITE_DATA_DIR). The server opens one per process in
 * its composition root (server/app-services.ts; PGlite on a worker thread, server/db/pglite-thread.ts);
 * tools and tests open their own with openDatabase(). Two PGlite instances on one folder corrupt
 * it, so the folder is locked (server/db/pglite-lock.ts).
 *
 * Money columns are Decimal(78,0): convert with server/db/decimal.ts at the repository
 * boundary and never compute with Prisma.Decimal (it rounds to 20 significant digits).
 */
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client";
import { registerExecute } from "./db/execute";
import { listenPostgres, type Listen } from "./db/notifications";
import { lockPgliteDir } from "./db/pglite-lock";

export type Db = PrismaClient;

export type DatabaseConfig =
  | { kind: "postgres"; url: string }
  | { kind: "pglite"; dataDir: string }
  /** Throwaway in-memory PGlite (tests). */
  | { kind: "pglite-memory" };

export interface DatabaseHandle {
  db: Db;
  kind: "postgres" | "pglite";
  /** Host/port/database or the PGlite folder; never a password. */
  location: string;
  /** The PGlite instance, for in-process migrations (migrateDeploy with kind "pglite-client"). */
  pglite?: PGlite;
  /** LISTEN/NOTIFY (server/db/notifications.ts) */
  listen: Listen;
  close(): Promise<void>;
}

export function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || "5432"}${u.pathname}`;
}

/** Opens a new client; close it with `close()`. */
export function openDatabase(config: DatabaseConfig): DatabaseHandle {
  if (config.kind === "postgres") {
    const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: config.url }) });
    return {
      db,
      kind: "postgres",
      location: describeUrl(config.url),
      listen: listenPostgres(config.url),
      close: () => db.$disconnect(),
    };
  }
  let pglite: PGlite;
  let location: string;
  let unlock = () => {};
  if (config.kind === "pglite") {
    fs.mkdirSync(config.dataDir, { recursive: true });
    unlock = lockPgliteDir(config.dataDir);
    pglite = new PGlite(config.dataDir);
    location = config.dataDir;
  } else {
    pglite = new PGlite();
    location = "memory";
  }
  const db = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  registerExecute(db, async (sql, params) => (await pglite.query(sql, params as unknown[])).affectedRows ?? 0);
  return {
    db,
    kind: "pglite",
    location,
    pglite,
    listen: async (channel, listener) => {
      const stop = await pglite.listen(channel, (payload) => listener.notify(payload));
      listener.listening();
      return stop;
    },
    close: async () => {
      try {
        await db.$disconnect();
        if (!pglite.closed) await pglite.close();
      } finally {
        unlock();
      }
    },
  };
}

export interface DbStatus {
  kind: "postgres" | "pglite";
  location: string;
  reachable: boolean;
  /** Migrations recorded as finished in `_prisma_migrations`. */
  appliedMigrations: number;
  /** Folders in prisma/migrations not (successfully) applied yet. */
  pendingMigrations: number;
  /** Migrations that failed and await `migrate.ts resolve`. */
  failedMigrations: string[];
  error?: string;
}

/** Migration folder names in prisma/migrations (sorted as Prisma sorts them). */
export function localMigrationNames(migrationsDir = path.join(process.cwd(), "prisma", "migrations")): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(migrationsDir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(migrationsDir, e.name, "migration.sql")))
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
}

/** For the app's status panel. Never throws. */
export async function dbStatus(handle: DatabaseHandle): Promise<DbStatus> {
  const local = localMigrationNames();
  const base = { kind: handle.kind, location: handle.location };
  try {
    const [{ exists }] = await handle.db.$queryRaw<[{ exists: boolean }]>`
      SELECT to_regclass('_prisma_migrations') IS NOT NULL AS "exists"`;
    const rows = exists
      ? await handle.db.$queryRaw<{ name: string; finished: boolean; rolledBack: boolean }[]>`
          SELECT migration_name AS "name", finished_at IS NOT NULL AS "finished",
                 rolled_back_at IS NOT NULL AS "rolledBack"
            FROM _prisma_migrations`
      : [];
    const applied = new Set(rows.filter((r) => r.finished && !r.rolledBack).map((r) => r.name));
    return {
      ...base,
      reachable: true,
      appliedMigrations: applied.size,
      pendingMigrations: local.filter((n) => !applied.has(n)).length,
      failedMigrations: rows.filter((r) => !r.finished && !r.rolledBack).map((r) => r.name),
    };
  } catch (error) {
    return {
      ...base,
      reachable: false,
      appliedMigrations: 0,
      pendingMigrations: local.length,
      failedMigrations: [],
      error: (error as Error).message,
    };
  }
}
