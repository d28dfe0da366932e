import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { dbStatus, localMigrationNames } from "../db";
import {
  defaultPaths,
  diffToSchema,
  migrateCreate,
  migrateDeploy,
  MigrationError,
  migrateResolve,
  migrateStatus,
  type MigrationPaths,
} from "./migrations";
import { createMigratedTestDatabase, createTestDatabase, type TestDatabase } from "./testing";

const serverUrl = inject("testDatabaseUrl");
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function database(migrated = true): Promise<TestDatabase> {
  const t = migrated ? await createMigratedTestDatabase(serverUrl) : await createTestDatabase(serverUrl);
  cleanups.push(() => t.drop());
  return t;
}

/** A scratch copy of prisma/ (schema + migrations) to change freely. */
async function scratchPrisma(): Promise<MigrationPaths> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "clearline-prisma-"));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  const real = defaultPaths();
  await fs.cp(real.migrationsDir, path.join(dir, "migrations"), { recursive: true });
  await fs.copyFile(real.schemaPath, path.join(dir, "schema.prisma"));
  return { migrationsDir: path.join(dir, "migrations"), schemaPath: path.join(dir, "schema.prisma") };
}

async function tableExists(t: TestDatabase, name: string): Promise<boolean> {
  const [row] = await t.handle.db.$queryRaw<
    [{ exists: boolean }]
  >`SELECT to_regclass(${`"${name}"`}) IS NOT NULL AS "exists"`;
  return row.exists;
}

type MigrationRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
};
function migrationRows(t: TestDatabase) {
  return t.handle.db.$queryRaw<MigrationRow[]>`
    SELECT migration_name, checksum, finished_at, rolled_back_at, logs FROM _prisma_migrations ORDER BY migration_name`;
}

describe(`migrations (${serverUrl ? "PostgreSQL server" : "PGlite"})`, () => {
  it("produce exactly the schema: no drift from the migrated database nor from the migrations folder", async () => {
    const t = await database();
    expect(await diffToSchema("database", t.target)).toMatch(/^(-- This is an empty migration\.)?$/);
    expect(await diffToSchema("migrations", t.target)).toMatch(/^(-- This is an empty migration\.)?$/);
  });

  it("detect drift when the schema has a change the migrations lack", async () => {
    const t = await database();
    const paths = await scratchPrisma();
    await fs.appendFile(paths.schemaPath, "\nmodel Drift {\n  id Int @id\n}\n");
    expect(await diffToSchema("database", t.target, paths)).toContain('CREATE TABLE "Drift"');
    expect(await diffToSchema("migrations", t.target, paths)).toContain('CREATE TABLE "Drift"');
    // The "database" side really is the live database: a hand-made change shows up.
    await t.handle.db.$executeRawUnsafe(`ALTER TABLE "Asset" ADD COLUMN "extra" INTEGER`);
    expect(await diffToSchema("database", t.target)).toMatch(/DROP COLUMN "extra"/);
  });

  it("record the native CLI's checksums (sha256 of migration.sql) and applying twice is a no-op", async () => {
    const t = await database();
    const names = localMigrationNames();
    const rows = await migrationRows(t);
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      const sql = await fs.readFile(path.join(defaultPaths().migrationsDir, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.finished_at).not.toBeNull();
    }
    expect((await migrateDeploy(t.target)).applied).toEqual([]);
    expect(await migrationRows(t)).toEqual(rows);
    expect(await dbStatus(t.handle)).toMatchObject({
      reachable: true,
      appliedMigrations: names.length,
      pendingMigrations: 0,
      failedMigrations: [],
    });
    const status = await migrateStatus(t.target);
    expect(status).toMatchObject({ applied: names, pending: [], failed: [], edited: [] });
  });

  it("report a failing migration by name with the SQL error, and leave the database as it was", async () => {
    const t = await database(false);
    const paths = await scratchPrisma();
    const broken = "99990101000000_broken";
    await fs.mkdir(path.join(paths.migrationsDir, broken));
    // A $$ body with semicolons (adapter-pg's splitter would break it), then a statement that fails.
    await fs.writeFile(
      path.join(paths.migrationsDir, broken, "migration.sql"),
      `CREATE TABLE "ShouldNotExist" ("id" INTEGER PRIMARY KEY);
CREATE FUNCTION "should_not_exist"() RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$;
INSERT INTO "NoSuchTable" VALUES (1);
`,
    );
    const error = await migrateDeploy(t.target, paths).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).migrationName).toBe(broken);
    expect((error as MigrationError).message).toContain(broken);
    expect((error as MigrationError).message).toMatch(/NoSuchTable/);

    // The good migrations before it were applied; nothing of the broken one exists.
    expect(await tableExists(t, "Market")).toBe(true);
    expect(await tableExists(t, "ShouldNotExist")).toBe(false);
    const [fn] = await t.handle.db.$queryRaw<
      [{ n: number }]
    >`SELECT count(*)::int AS n FROM pg_proc WHERE proname = 'should_not_exist'`;
    expect(fn.n).toBe(0);
    const rows = await migrationRows(t);
    const failed = rows.find((r) => r.migration_name === broken);
    expect(failed?.finished_at).toBeNull();
    expect(rows.filter((r) => r.finished_at !== null)).toHaveLength(localMigrationNames().length);
    expect((await migrateStatus(t.target, paths)).failed).toEqual([broken]);
    expect(await dbStatus(t.handle)).toMatchObject({ failedMigrations: [broken] });

    // Deploy refuses while it is failed; after fixing and resolving it, it applies.
    await expect(migrateDeploy(t.target, paths)).rejects.toThrow(broken);
    await fs.writeFile(
      path.join(paths.migrationsDir, broken, "migration.sql"),
      `CREATE TABLE "NowExists" ("id" INTEGER PRIMARY KEY);
CREATE FUNCTION "now_exists"() RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$;
`,
    );
    await migrateResolve(t.target, "rolled-back", broken, paths);
    expect((await migrateDeploy(t.target, paths)).applied).toEqual([broken]);
    expect(await tableExists(t, "NowExists")).toBe(true);
  });

  it("create a migration from a schema change, and none when nothing changed", async () => {
    const paths = await scratchPrisma();
    expect((await migrateCreate("nothing", {}, paths)).name).toBeNull();
    await fs.appendFile(
      paths.schemaPath,
      "\nmodel Added {\n  id    Int     @id\n  amount Decimal @db.Decimal(78, 0)\n}\n",
    );
    const created = await migrateCreate("add_added", {}, paths);
    expect(created.name).toMatch(/^\d{14}_add_added$/);
    expect(created.sql).toContain('CREATE TABLE "Added"');
    expect(await fs.readFile(path.join(paths.migrationsDir, created.name!, "migration.sql"), "utf8")).toBe(created.sql);
    expect(await fs.readFile(path.join(paths.migrationsDir, "migration_lock.toml"), "utf8")).toContain(
      'provider = "postgresql"',
    );
    expect((await migrateCreate("again", {}, paths)).name).toBeNull();

    const t = await database(false);
    const { applied } = await migrateDeploy(t.target, paths);
    expect(applied.at(-1)).toBe(created.name);
    expect(await tableExists(t, "Added")).toBe(true);
    expect(await diffToSchema("database", t.target, paths)).toMatch(/^(-- This is an empty migration\.)?$/);
  });
});
