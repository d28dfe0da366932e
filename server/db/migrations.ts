/**
 * Prisma migrations without the native schema engine: `create`, `deploy`, `status`, `resolve`
 * and `diff`, driven through the WebAssembly schema engine (server/db/schema-engine.ts) and
 * the fixed adapters (server/db/migration-adapters.ts). Folders and the `_prisma_migrations`
 * table are exactly those of `prisma migrate` (same checksums: the engine computes them).
 * The command line is scripts/db/migrate.ts; docs/DATABASE.md explains the why.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { MigrationList } from "@prisma/schema-engine-wasm";
import { type ClosableMigrationFactory, pgliteMigrationFactory, postgresMigrationFactory } from "./migration-adapters";
import { lockPgliteDir } from "./pglite-lock";
import { openSchemaEngine, type SchemaEngine } from "./schema-engine";

export type MigrationTarget =
  /** A file-backed PGlite folder, opened and closed by the call. Must not be open elsewhere. */
  | { kind: "pglite"; dataDir: string }
  /** An already open PGlite instance (the app's own); left open. */
  | { kind: "pglite-client"; client: PGlite }
  /** A PostgreSQL server database. */
  | { kind: "postgres"; url: string };

export interface MigrationPaths {
  /** prisma/migrations */
  migrationsDir: string;
  /** prisma/schema.prisma */
  schemaPath: string;
}

export function defaultPaths(root = process.cwd()): MigrationPaths {
  return {
    migrationsDir: path.join(root, "prisma", "migrations"),
    schemaPath: path.join(root, "prisma", "schema.prisma"),
  };
}

const NO_FILTER = { externalTables: [], externalEnums: [] };
const LOCKFILE = "migration_lock.toml";

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly migrationName?: string,
  ) {
    super(message);
    this.name = "MigrationError";
  }
}

/** Reads the migrations folder the way the Prisma CLI does (sorted by folder name). */
export async function readMigrations(migrationsDir: string): Promise<MigrationList> {
  const lockContent = await fs.readFile(path.join(migrationsDir, LOCKFILE), "utf8").catch(() => null);
  const entries = await fs.readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  const migrationDirectories = await Promise.all(
    entries
      .filter((e) => e.isDirectory())
      .map(async (e) => ({
        path: e.name,
        migrationFile: {
          path: "migration.sql",
          content: await fs
            .readFile(path.join(migrationsDir, e.name, "migration.sql"), "utf8")
            .then((value) => ({ tag: "ok" as const, value }))
            .catch((error: Error) => ({ tag: "error" as const, value: error.message })),
        },
      })),
  );
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));
  return {
    baseDir: migrationsDir,
    lockfile: { path: LOCKFILE, content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

/** The engine's error text without its Rust span trace ("   0: sql_schema_connector::…", "with …", "at …"). */
export function withoutEngineTrace(text: string): string {
  const lines = text.split("\n");
  const kept = lines.filter(
    (l) => !/^\s+\d+: /.test(l) && !/^\s+(with|at) /.test(l) && l.trim() !== "external connector error",
  );
  return kept.join("\n").trim() || text.trim();
}

/** Turns whatever the engine threw into a readable message. */
export function engineErrorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  const e = error as { message?: unknown; error_code?: unknown };
  if (e && typeof e.message === "string")
    return typeof e.error_code === "string" ? `${e.error_code}: ${e.message}` : e.message;
  return JSON.stringify(error);
}

interface Opened {
  factory: ClosableMigrationFactory;
  close(): Promise<void>;
}

async function open(target: MigrationTarget, onNote?: (note: string) => void): Promise<Opened> {
  switch (target.kind) {
    case "pglite": {
      await fs.mkdir(target.dataDir, { recursive: true });
      const unlock = lockPgliteDir(target.dataDir);
      let client: PGlite;
      try {
        client = await PGlite.create(target.dataDir);
      } catch (error) {
        unlock();
        throw error;
      }
      const factory = pgliteMigrationFactory(client);
      return { factory, close: () => factory.closeAll().finally(() => client.close().finally(unlock)) };
    }
    case "pglite-client": {
      const factory = pgliteMigrationFactory(target.client);
      return { factory, close: () => factory.closeAll() };
    }
    case "postgres": {
      const factory = postgresMigrationFactory(target.url, { onNote });
      return { factory, close: () => factory.closeAll() };
    }
  }
}

/** Opens the target and an engine on it, runs `fn`, then frees both. */
async function withEngine<T>(
  target: MigrationTarget,
  options: { datamodel?: { path: string; content: string }; onNote?: (note: string) => void },
  fn: (engine: SchemaEngine, factory: SqlMigrationAwareDriverAdapterFactory) => Promise<T>,
): Promise<T> {
  const opened = await open(target, options.onNote);
  try {
    const engine = await openSchemaEngine(opened.factory, { datamodel: options.datamodel });
    try {
      return await fn(engine, opened.factory);
    } finally {
      engine.free();
    }
  } finally {
    await opened.close();
  }
}

async function query(factory: SqlMigrationAwareDriverAdapterFactory, sql: string): Promise<unknown[][]> {
  const adapter: SqlDriverAdapter = await factory.connect();
  try {
    return (await adapter.queryRaw({ sql, args: [], argTypes: [] })).rows;
  } finally {
    await adapter.dispose();
  }
}

export interface AppliedRow {
  name: string;
  checksum: string;
  finishedAt: string | null;
  rolledBackAt: string | null;
  logs: string | null;
}

/** The `_prisma_migrations` rows, oldest first; [] when the table does not exist yet. */
async function migrationRows(factory: SqlMigrationAwareDriverAdapterFactory): Promise<AppliedRow[]> {
  const exists = await query(factory, "SELECT to_regclass('_prisma_migrations') IS NOT NULL");
  if (exists[0]?.[0] !== true) return [];
  const rows = await query(
    factory,
    `SELECT migration_name, checksum, finished_at::text, rolled_back_at::text, logs
       FROM _prisma_migrations ORDER BY started_at, migration_name`,
  );
  return rows.map(([name, checksum, finishedAt, rolledBackAt, logs]) => ({
    name: String(name),
    checksum: String(checksum),
    finishedAt: (finishedAt as string | null) ?? null,
    rolledBackAt: (rolledBackAt as string | null) ?? null,
    logs: (logs as string | null) ?? null,
  }));
}

// ---------------------------------------------------------------- deploy

export interface DeployResult {
  applied: string[];
}

/**
 * Applies every pending migration, in order, each atomically. Already applied migrations are
 * skipped (applying twice is a no-op). A failing migration leaves the database as it was, is
 * recorded in `_prisma_migrations` as failed (no finished_at, the error in `logs`), and is
 * reported as a MigrationError naming it and the SQL error; later deploys refuse to run until
 * it is resolved (`migrate.ts resolve --rolled-back <name>` after fixing it).
 */
export async function migrateDeploy(
  target: MigrationTarget,
  paths: MigrationPaths = defaultPaths(),
): Promise<DeployResult> {
  const migrationsList = await readMigrations(paths.migrationsDir);
  return withEngine(target, {}, async (engine, factory) => {
    const earlier = (await migrationRows(factory)).filter((r) => !r.finishedAt && !r.rolledBackAt).at(-1);
    if (earlier) {
      throw new MigrationError(
        `Migration ${earlier.name} failed earlier and was rolled back; nothing is applied until it is resolved.\n` +
          `${withoutEngineTrace(earlier.logs ?? "")}\n` +
          `Fix the migration, then run: npx tsx scripts/db/migrate.ts resolve --rolled-back ${earlier.name}`,
        earlier.name,
      );
    }
    try {
      const out = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
      return { applied: out.appliedMigrationNames };
    } catch (error) {
      const message = engineErrorMessage(error);
      const failed = (await migrationRows(factory).catch(() => [])).filter((r) => !r.finishedAt && !r.rolledBackAt);
      const last = failed.at(-1);
      if (last) {
        throw new MigrationError(
          `Migration ${last.name} failed and was rolled back; the database is as it was before it.\n` +
            `${withoutEngineTrace(last.logs ?? message)}\n` +
            `Fix the migration, then run: npx tsx scripts/db/migrate.ts resolve --rolled-back ${last.name}`,
          last.name,
        );
      }
      throw new MigrationError(`Applying migrations failed: ${withoutEngineTrace(message)}`);
    }
  });
}

// ---------------------------------------------------------------- status

export interface MigrationStatus {
  migrations: string[];
  applied: string[];
  pending: string[];
  failed: string[];
  /** Applied migrations whose file changed since (checksum differs). */
  edited: string[];
  /** Applied in the database but absent from the folder. */
  missingLocally: string[];
}

export async function migrateStatus(
  target: MigrationTarget,
  paths: MigrationPaths = defaultPaths(),
): Promise<MigrationStatus> {
  const migrationsList = await readMigrations(paths.migrationsDir);
  const migrations = migrationsList.migrationDirectories.map((d) => d.path);
  return withEngine(target, {}, async (engine, factory) => {
    const diagnosis = await engine.diagnoseMigrationHistory({
      migrationsList,
      optInToShadowDatabase: false,
      filters: NO_FILTER,
    });
    const rows = await migrationRows(factory);
    const applied = rows.filter((r) => r.finishedAt && !r.rolledBackAt).map((r) => r.name);
    const history = diagnosis.history;
    const pending =
      history?.diagnostic === "databaseIsBehind" || history?.diagnostic === "historiesDiverge"
        ? history.unappliedMigrationNames
        : [];
    const missingLocally =
      history?.diagnostic === "migrationsDirectoryIsBehind" || history?.diagnostic === "historiesDiverge"
        ? history.unpersistedMigrationNames
        : [];
    return {
      migrations,
      applied,
      pending,
      failed: diagnosis.failedMigrationNames,
      edited: diagnosis.editedMigrationNames,
      missingLocally,
    };
  });
}

// ---------------------------------------------------------------- resolve

export async function migrateResolve(
  target: MigrationTarget,
  action: "rolled-back" | "applied",
  migrationName: string,
  paths: MigrationPaths = defaultPaths(),
): Promise<void> {
  const migrationsList = await readMigrations(paths.migrationsDir);
  await withEngine(target, {}, async (engine) => {
    if (action === "rolled-back") await engine.markMigrationRolledBack({ migrationName });
    else await engine.markMigrationApplied({ migrationName, migrationsList });
  });
}

// ---------------------------------------------------------------- create

export interface CreateResult {
  /** The new folder's name, or null when the schema has no changes (and `empty` was not asked). */
  name: string | null;
  dir?: string;
  sql?: string;
}

/**
 * Writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that takes a database
 * from the existing migrations to the schema (like `prisma migrate dev --create-only`).
 * It never touches a real database: the existing migrations are replayed on in-memory PGlite
 * (the shadow database), so it is safe while the app holds the embedded database open.
 * `empty: true` writes an empty migration for hand-written SQL.
 */
export async function migrateCreate(
  name: string,
  options: { empty?: boolean } = {},
  paths: MigrationPaths = defaultPaths(),
): Promise<CreateResult> {
  if (!/^[a-z0-9_]+$/.test(name))
    throw new MigrationError(`migration name must be snake_case [a-z0-9_]+, got "${name}"`);
  const content = await fs.readFile(paths.schemaPath, "utf8");
  const schema = { files: [{ path: paths.schemaPath, content }] };
  await fs.mkdir(paths.migrationsDir, { recursive: true });
  const migrationsList = await readMigrations(paths.migrationsDir);
  const scratch = await PGlite.create();
  try {
    return await withEngine(
      { kind: "pglite-client", client: scratch },
      { datamodel: { path: paths.schemaPath, content } },
      async (engine) => {
        // As `migrate dev` does: bring the (scratch) dev database up to date, then diagnose it,
        // which replays the migrations on the shadow database and caches the result that
        // createMigration diffs against (the wasm engine cannot open a shadow by itself there).
        await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
        const diagnostic = await engine.devDiagnostic({ migrationsList, filters: NO_FILTER });
        if (diagnostic.action.tag === "reset") {
          throw new MigrationError(`the migrations folder is inconsistent: ${diagnostic.action.reason}`);
        }
        const out = await engine.createMigration({
          draft: options.empty ?? false,
          migrationName: name,
          migrationsList,
          schema,
          filters: NO_FILTER,
        });
        if (out.migrationScript === null) return { name: null };
        const dir = path.join(paths.migrationsDir, out.generatedMigrationName);
        await fs.mkdir(dir, { recursive: false });
        await fs.writeFile(path.join(dir, `migration.${out.extension}`), out.migrationScript, "utf8");
        await fs.writeFile(
          path.join(paths.migrationsDir, LOCKFILE),
          "# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\n" +
            `provider = "${out.connectorType}"\n`,
          "utf8",
        );
        return { name: out.generatedMigrationName, dir, sql: out.migrationScript };
      },
    );
  } finally {
    await scratch.close();
  }
}

// ---------------------------------------------------------------- diff

/**
 * SQL that would take `from` to the schema datamodel; "" when they are identical.
 * - "migrations": the migrations folder replayed on a shadow database
 * - "database": the target database as it is now (introspected)
 */
export async function diffToSchema(
  from: "migrations" | "database",
  target: MigrationTarget,
  paths: MigrationPaths = defaultPaths(),
): Promise<string> {
  const content = await fs.readFile(paths.schemaPath, "utf8");
  const files = [{ path: paths.schemaPath, content }];
  const migrationsList = await readMigrations(paths.migrationsDir);
  if (from === "migrations" && target.kind === "pglite") {
    // Only the shadow (in-memory PGlite) is used: do not open, and lock, the data folder.
    const scratch = await PGlite.create();
    try {
      return await diffToSchema(from, { kind: "pglite-client", client: scratch }, paths);
    } finally {
      await scratch.close();
    }
  }
  return withEngine(target, { datamodel: { path: paths.schemaPath, content } }, async (engine) => {
    const out = await engine.diff({
      from:
        from === "migrations"
          ? { tag: "migrations", ...migrationsList }
          : { tag: "schemaDatasource", files, configDir: path.dirname(paths.schemaPath) },
      to: { tag: "schemaDatamodel", files },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    return (out.stdout ?? "").trim();
  });
}
