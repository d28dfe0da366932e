/**
 * Throwaway databases for integration tests (never the configured one): a fresh file-backed
 * PGlite in a temp folder, or — when the integration config provides a PostgreSQL URL
 * (TEST_DATABASE_URL) — a new uniquely named database on that server, dropped afterwards.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase, type DatabaseHandle } from "../db";
import { quoteIdent, withDatabase } from "./migration-adapters";
import { migrateDeploy, type MigrationPaths, type MigrationTarget } from "./migrations";

export interface TestDatabase {
  kind: "pglite" | "postgres";
  handle: DatabaseHandle;
  /** For migration functions: the same database (PGlite: the same instance). */
  target: MigrationTarget;
  drop(): Promise<void>;
}

/** `serverUrl` empty: PGlite. Otherwise a new database on that server. */
export async function createTestDatabase(serverUrl: string): Promise<TestDatabase> {
  if (serverUrl) {
    const name = `clearline_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    await admin.end();
    const url = withDatabase(serverUrl, name);
    const handle = openDatabase({ kind: "postgres", url });
    return {
      kind: "postgres",
      handle,
      target: { kind: "postgres", url },
      drop: async () => {
        await handle.close();
        const a = new pg.Client({ connectionString: serverUrl });
        await a.connect();
        try {
          await a.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
        } finally {
          await a.end();
        }
      },
    };
  }
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "clearline-test-"));
  const handle = openDatabase({ kind: "pglite", dataDir });
  return {
    kind: "pglite",
    handle,
    target: { kind: "pglite-client", client: handle.pglite! },
    drop: async () => {
      await handle.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A test database with every migration applied. */
export async function createMigratedTestDatabase(serverUrl: string, paths?: MigrationPaths): Promise<TestDatabase> {
  const t = await createTestDatabase(serverUrl);
  try {
    await migrateDeploy(t.target, paths);
  } catch (error) {
    await t.drop();
    throw error;
  }
  return t;
}

export const TEST_DEPLOYMENT = {
  tokens: {
    USDC: { symbol: "USDC", decimals: 6, address: "0x5fbdb2315678afecb367f032d93f642f64180aa3" },
    WETH: { symbol: "WETH", decimals: 18, address: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512" },
    WBTC: { symbol: "WBTC", decimals: 8, address: "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0" },
  },
};
