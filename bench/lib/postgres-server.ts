/**
 * The PostgreSQL server the headline end-to-end rows are measured on: the bench's own
 * throwaway server, with PostgreSQL's durable defaults (fsync=on, synchronous_commit=on,
 * full_page_writes=on — passed explicitly, so no configuration file can turn them off), or
 * the server in BENCH_DATABASE_URL when that is set (e.g. PostgreSQL on its own machine).
 *
 * Not scripts/ci/postgres.sh: that one is CI's test server and turns fsync off for speed, which
 * is right for tests and wrong for a durability figure. Like it, this one finds initdb/pg_ctl
 * under /usr/lib/postgresql/<version>/bin (Debian's layout; else `pg_config --bindir`), runs
 * them as the `postgres` user through runuser when we are root (PostgreSQL refuses to run as
 * root), listens on 127.0.0.1 only with trust auth, and keeps its data in a new temp directory
 * (on disk: never on tmpfs, where fsync is free and proves nothing), deleted on stop.
 *
 * What the rows are labelled with is read back from the server (SHOW fsync, …), and how many
 * WAL fsyncs it really made comes from its own counters (pg_stat_wal.wal_sync, which counts
 * only when fsync is on).
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import fs from "node:fs";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describeSettings, postgresDurability, type PostgresDurabilitySettings } from "./durability";

const ROOT = process.cwd();
const TMPFS_MAGIC = 0x01021994;
const RAMFS_MAGIC = 0x858458f6;

/** The bin directory of the newest installed PostgreSQL, or null. */
export function findPostgresBin(): string | null {
  const base = "/usr/lib/postgresql";
  const has = (dir: string) => fs.existsSync(path.join(dir, "initdb")) && fs.existsSync(path.join(dir, "pg_ctl"));
  let versions: string[] = [];
  try {
    versions = fs.readdirSync(base);
  } catch {
    // not Debian's layout
  }
  const found = versions
    .filter((v) => has(path.join(base, v, "bin")))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  if (found.length) return path.join(base, found[0]!, "bin");
  const r = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  const dir = r.status === 0 ? r.stdout.trim() : "";
  return dir && has(dir) ? dir : null;
}

const isRoot = () => process.getuid?.() === 0;

function run(argv: string[]): SpawnSyncReturns<string> {
  const [cmd, ...args] = isRoot() ? ["runuser", "-u", "postgres", "--", ...argv] : argv;
  return spawnSync(cmd!, args, { encoding: "utf8", timeout: 120_000 });
}

function check(r: SpawnSyncReturns<string>, what: string): void {
  if (r.status !== 0)
    throw new Error(
      `${what} failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout || String(r.error)).trim()}`,
    );
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.listen(0, "127.0.0.1", resolve);
  });
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** A parent directory on a real disk: os.tmpdir() unless that is tmpfs/ramfs, then .data/. */
function diskParent(): string {
  const tmp = os.tmpdir();
  const type = fs.statfsSync(tmp).type;
  if (type !== TMPFS_MAGIC && type !== RAMFS_MAGIC) return tmp;
  const dir = path.join(ROOT, ".data");
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export interface PostgresSettings extends PostgresDurabilitySettings {
  server_version: string;
}

export async function readSettings(url: string): Promise<PostgresSettings> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const show = async (name: string) =>
      String(((await c.query(`SHOW ${name}`)).rows[0] as Record<string, unknown>)[name]);
    return {
      fsync: await show("fsync"),
      synchronous_commit: await show("synchronous_commit"),
      full_page_writes: await show("full_page_writes"),
      wal_sync_method: await show("wal_sync_method"),
      server_version: await show("server_version"),
    };
  } finally {
    await c.end();
  }
}

export interface ServerCounters {
  /** pg_stat_wal.wal_sync: WAL fsyncs (fdatasync…) the server made; 0 whenever fsync is off */
  walSyncs: number;
  /** sum of pg_stat_database.xact_commit: transactions committed (read-only ones included) */
  transactions: number;
}

/**
 * The server's counters once no other client is connected (a backend flushes its statistics
 * when it exits), waiting at most `waitMs` for the clients to go.
 */
export async function serverCounters(url: string, waitMs = 10_000): Promise<ServerCounters> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const r = await c.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
      );
      if ((r.rows[0] as { n: number }).n === 0 || Date.now() > deadline) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const wal = await c.query("SELECT wal_sync::float8 AS n FROM pg_stat_wal");
    const tx = await c.query("SELECT coalesce(sum(xact_commit), 0)::float8 AS n FROM pg_stat_database");
    return { walSyncs: (wal.rows[0] as { n: number }).n, transactions: (tx.rows[0] as { n: number }).n };
  } finally {
    await c.end();
  }
}

export function describeCounters(before: ServerCounters, after: ServerCounters): string {
  const syncs = after.walSyncs - before.walSyncs;
  const tx = after.transactions - before.transactions;
  return `the server made ${syncs.toLocaleString("en-US")} WAL fsyncs for ${tx.toLocaleString("en-US")} transactions (pg_stat_wal, pg_stat_database)`;
}

/** A PostgreSQL server to measure on, or why there is none. */
export type BenchPostgres =
  | {
      ok: true;
      url: string;
      settings: PostgresSettings;
      /** the rows' durability column */
      label: string;
      /** "PostgreSQL 15.x, own server, 127.0.0.1:port, data in …, fsync=on, …" */
      description: string;
      stop(): Promise<void>;
    }
  | { ok: false; reason: string };

async function described(url: string, where: string, stop: () => Promise<void>): Promise<BenchPostgres> {
  let settings: PostgresSettings;
  try {
    settings = await readSettings(url);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    ok: true,
    url,
    settings,
    label: postgresDurability(settings).label,
    description: `PostgreSQL ${settings.server_version}, ${where}, ${describeSettings(settings)}`,
    stop,
  };
}

/**
 * BENCH_DATABASE_URL's server when set, else a new server of our own (`name` goes into its
 * directory's name). { ok: false } with the reason when there are no PostgreSQL binaries or
 * the server cannot be started; the rows are then reported as not run.
 */
export async function benchPostgres(name: string, log: (l: string) => void): Promise<BenchPostgres> {
  const external = process.env.BENCH_DATABASE_URL;
  if (external) {
    const u = new URL(external);
    return described(external, `BENCH_DATABASE_URL (${u.hostname}:${u.port || "5432"}${u.pathname})`, async () => {});
  }
  const bin = findPostgresBin();
  if (!bin)
    return {
      ok: false,
      reason:
        "no PostgreSQL binaries (no initdb/pg_ctl under /usr/lib/postgresql/*/bin, no pg_config on PATH): apt-get install -y postgresql, or set BENCH_DATABASE_URL",
    };
  if (isRoot() && spawnSync("id", ["-u", "postgres"]).status !== 0)
    return {
      ok: false,
      reason: "running as root and there is no `postgres` user to run PostgreSQL as (it refuses to run as root)",
    };

  let dir = "";
  let data = "";
  let port = 0;
  let started = false;
  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    if (started) run([path.join(bin, "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  };
  const onExit = () => stopSync();
  try {
    dir = fs.mkdtempSync(path.join(diskParent(), `clearline-bench-pg-${name}-`));
    data = path.join(dir, "data");
    if (isRoot()) {
      const uid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim());
      const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
      fs.chownSync(dir, uid, gid);
    }
    fs.chmodSync(dir, 0o700);
    port = await freePort();
    log(`starting PostgreSQL (${bin}) on 127.0.0.1:${port}, data in ${dir}, fsync=on…`);
    check(
      run([path.join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale"]),
      "initdb",
    );
    process.once("exit", onExit);
    started = true;
    check(
      run([
        path.join(bin, "pg_ctl"),
        "-D",
        data,
        "-l",
        path.join(dir, "server.log"),
        "-w",
        "-t",
        "60",
        "-o",
        // PostgreSQL's durable defaults, said explicitly
        `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=on -c synchronous_commit=on -c full_page_writes=on`,
        "start",
      ]),
      "pg_ctl start",
    );
  } catch (e) {
    stopSync();
    process.removeListener("exit", onExit);
    return { ok: false, reason: `could not start PostgreSQL: ${(e as Error).message}` };
  }
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  return described(url, `own server on 127.0.0.1:${port} (data in ${dir}, ${fsType(dir)})`, async () => {
    stopSync();
    process.removeListener("exit", onExit);
  });
}

function fsType(dir: string): string {
  const r = spawnSync("stat", ["-f", "-c", "%T", dir], { encoding: "utf8" });
  return r.status === 0 ? `file system ${r.stdout.trim()}` : "file system unknown";
}
