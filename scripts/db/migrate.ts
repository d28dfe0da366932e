/**
 * Prisma migrations through the WebAssembly schema engine (the native one cannot be
 * downloaded here; see docs/DATABASE.md). Same folders, same `_prisma_migrations` table.
 *
 *   npx tsx scripts/db/migrate.ts create <name> [--empty]   new migration from schema changes
 *   npx tsx scripts/db/migrate.ts deploy                    apply pending migrations
 *   npx tsx scripts/db/migrate.ts status                    applied / pending / failed (exit 1 unless up to date)
 *   npx tsx scripts/db/migrate.ts diff                      SQL from migrations to schema (exit 2 on drift)
 *   npx tsx scripts/db/migrate.ts resolve --rolled-back <name> | --applied <name>
 *
 * The database is the configured one (server/env.ts): DATABASE_URL, else PGlite in PGLITE_DATA_DIR.
 * With PGlite, stop the app first: two processes on one PGlite folder corrupt it.
 */
import { env } from "../../server/env";
import {
  diffToSchema,
  migrateCreate,
  migrateDeploy,
  MigrationError,
  migrateResolve,
  migrateStatus,
  type MigrationTarget,
} from "../../server/db/migrations";
import { DatabaseInUseError } from "../../server/db/pglite-lock";
import { schemaEngineInfo } from "../../server/db/schema-engine";

function configuredTarget(): MigrationTarget {
  const db = env().database;
  return db.kind === "postgres" ? { kind: "postgres", url: db.url } : { kind: "pglite", dataDir: db.dataDir };
}

function describe(target: MigrationTarget): string {
  if (target.kind === "postgres") {
    const u = new URL(target.url);
    return `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}`;
  }
  return target.kind === "pglite" ? `PGlite ${target.dataDir}` : "PGlite";
}

const usage = `usage: migrate.ts create <name> [--empty] | deploy | status | diff | resolve --rolled-back|--applied <name>`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const engine = await schemaEngineInfo();
  const note = `schema engine: wasm from ${engine.source} (${engine.commit.slice(0, 12)})`;
  switch (command) {
    case "create": {
      const name = rest.find((a) => !a.startsWith("--"));
      if (!name) throw new MigrationError(usage);
      console.log(note + (engine.fallbackReason ? `; ${engine.fallbackReason}` : ""));
      const out = await migrateCreate(name, { empty: rest.includes("--empty") });
      if (!out.name) {
        console.log("No schema changes: no migration created (use --empty for a hand-written one).");
      } else {
        console.log(`Created prisma/migrations/${out.name}/migration.sql`);
        console.log("Review it, then apply with: npx tsx scripts/db/migrate.ts deploy");
      }
      return 0;
    }
    case "deploy": {
      const target = configuredTarget();
      console.log(`${describe(target)} — ${note}`);
      const { applied } = await migrateDeploy(target);
      console.log(applied.length === 0 ? "No pending migrations." : `Applied ${applied.length}: ${applied.join(", ")}`);
      return 0;
    }
    case "status": {
      const target = configuredTarget();
      const s = await migrateStatus(target);
      console.log(`${describe(target)}: ${s.migrations.length} migrations, ${s.applied.length} applied`);
      if (s.pending.length) console.log(`pending: ${s.pending.join(", ")}`);
      if (s.failed.length)
        console.log(`FAILED: ${s.failed.join(", ")} (fix, then: migrate.ts resolve --rolled-back <name>)`);
      if (s.edited.length) console.log(`EDITED after being applied: ${s.edited.join(", ")}`);
      if (s.missingLocally.length)
        console.log(`applied but missing from prisma/migrations: ${s.missingLocally.join(", ")}`);
      const upToDate = !s.pending.length && !s.failed.length && !s.edited.length && !s.missingLocally.length;
      if (upToDate) console.log("Database is up to date.");
      return upToDate ? 0 : 1;
    }
    case "diff": {
      const sql = await diffToSchema("migrations", configuredTarget());
      if (!sql || /^-- This is an empty migration\.?$/.test(sql)) {
        console.log("No drift: the migrations produce exactly prisma/schema.prisma.");
        return 0;
      }
      console.log("The migrations do not match prisma/schema.prisma; missing SQL:\n" + sql);
      return 2;
    }
    case "resolve": {
      const action = rest[0] === "--rolled-back" ? "rolled-back" : rest[0] === "--applied" ? "applied" : null;
      const name = rest[1];
      if (!action || !name) throw new MigrationError(usage);
      await migrateResolve(configuredTarget(), action, name);
      console.log(`Marked ${name} as ${action}.`);
      return 0;
    }
    default:
      console.error(usage);
      return 64;
  }
}

// The engine leaves a timer running, so exit explicitly either way.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const expected = error instanceof MigrationError || error instanceof DatabaseInUseError;
    console.error(expected ? `error: ${error.message}` : error);
    process.exit(1);
  },
);
