/**
 * The real stack for the end-to-end benches: `scripts/dev.ts --prod --fresh` (Hardhat node,
 * contracts, migrated + seeded PGlite — or a PostgreSQL server: the `databaseUrl` option, else
 * BENCH_DATABASE_URL —, the app server on the production build) on the bench's own ports and
 * data directory, like e2e/stack.ts does for Playwright. The production build is made first
 * when it is missing or older than the sources, under the shared build lock
 * (/tmp/clearline-build.lock), which is held until our server has loaded its routes so that
 * nobody rebuilds .next under it while it starts.
 */
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, statSync } from "node:fs";
import path from "node:path";
import { PGLITE_DURABILITY, postgresDurability } from "./durability";
import { readSettings } from "./postgres-server";

const ROOT = process.cwd();
const BUILD_LOCK = "/tmp/clearline-build.lock";
/** What the production build is made of (tests excluded: they are not in the bundle). */
const BUILD_INPUTS = [
  "app",
  "server",
  "core",
  "lib",
  "contracts/generated",
  "generated",
  "public",
  "next.config.ts",
  "package.json",
  "tsconfig.json",
];

export interface BenchStack {
  appUrl: string;
  rpcUrl: string;
  /** what the server stores in: "PGlite (file, worker thread)" or "PostgreSQL server (host:port/db)" */
  database: string;
  /** the PostgreSQL server's URL, "" for PGlite */
  databaseUrl: string;
  /** what an answered order survives (bench/lib/durability.ts), read from the server itself */
  durability: string;
  /** the stack's combined output */
  logFile: string;
  /** SIGTERM to the dev script (it stops its chain and Next.js), SIGKILL after 20 s */
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  /** names the data directory .data/bench-<name>/ */
  name: string;
  chainPort: number;
  appPort: number;
  /** extra settings for the server (server/env.ts names) */
  env?: Record<string, string>;
  /** a PostgreSQL server to store in ("" = the embedded PGlite); default: BENCH_DATABASE_URL, else PGlite */
  databaseUrl?: string;
  log?: (line: string) => void;
}

function newestMtime(p: string): number {
  let st;
  try {
    st = statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return /\.test\.tsx?$/.test(p) ? 0 : st.mtimeMs;
  let newest = 0;
  for (const e of readdirSync(p)) {
    if (e === "node_modules" || e.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(p, e)));
  }
  return newest;
}

/** Why the production build must be (re)made, or null when .next/BUILD_ID is newer than every source. */
export function buildStaleness(): string | null {
  let built: number;
  try {
    built = statSync(path.join(ROOT, ".next/BUILD_ID")).mtimeMs;
  } catch {
    return "no production build (.next/BUILD_ID missing)";
  }
  const newest = Math.max(...BUILD_INPUTS.map((p) => newestMtime(path.join(ROOT, p))));
  return newest > built ? `sources changed after the last build (${new Date(built).toISOString()})` : null;
}

async function takeBuildLock(log: (l: string) => void): Promise<() => void> {
  const deadline = Date.now() + 20 * 60_000;
  for (let warned = false; ;) {
    try {
      mkdirSync(BUILD_LOCK);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmdirSync(BUILD_LOCK);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      if (Date.now() > deadline) throw new Error(`${BUILD_LOCK} held for 20 minutes by someone else; giving up`);
      if (!warned) log(`waiting for ${BUILD_LOCK} (another Next build is running)…`);
      warned = true;
      await new Promise((r) => setTimeout(r, 5_000));
    }
  }
}

function ensureProductionBuild(dataDir: string, log: (l: string) => void): void {
  const why = buildStaleness();
  if (why === null) return;
  const logFile = path.join(dataDir, "next-build.log");
  log(`building the production app: ${why} (log: ${path.relative(ROOT, logFile)})…`);
  const out = openSync(logFile, "w");
  try {
    const r = spawnSync(path.join(ROOT, "node_modules/.bin/next"), ["build"], {
      cwd: ROOT,
      stdio: ["ignore", out, out],
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    });
    if (r.status !== 0)
      throw new Error(
        `next build failed (exit ${r.status}); see ${logFile}:\n${readFileSync(logFile, "utf8").split("\n").slice(-25).join("\n")}`,
      );
  } finally {
    closeSync(out);
  }
}

function describeDatabase(url: string): string {
  if (!url) return "PGlite (file, worker thread)";
  const u = new URL(url);
  return `PostgreSQL server (${u.hostname}:${u.port || "5432"}${u.pathname})`;
}

/** Start the stack, wait for /api/health and the API route; throws (with the log's tail) if it does not come up. */
export async function startBenchStack(o: BenchStackOptions): Promise<BenchStack> {
  const log = o.log ?? ((l: string) => console.error(`[bench] ${l}`));
  const dataDir = path.join(ROOT, ".data", `bench-${o.name}`);
  mkdirSync(dataDir, { recursive: true });
  const appUrl = `http://localhost:${o.appPort}`;
  const rpcUrl = `http://127.0.0.1:${o.chainPort}`;
  const logFile = path.join(dataDir, "stack.log");
  const databaseUrl = o.databaseUrl ?? process.env.BENCH_DATABASE_URL ?? "";
  const durability = databaseUrl ? postgresDurability(await readSettings(databaseUrl)).label : PGLITE_DURABILITY;

  const release = await takeBuildLock(log);
  let child: ReturnType<typeof spawn> | null = null;
  let onExit: (() => void) | null = null;
  try {
    ensureProductionBuild(dataDir, log);
    const out = openSync(logFile, "w");
    log(
      `starting the stack: chain ${rpcUrl}, app ${appUrl}, data ${path.relative(ROOT, dataDir)} (log: ${path.relative(ROOT, logFile)})`,
    );
    // node --import tsx, not the tsx wrapper: the signal must reach the dev script itself
    child = spawn(process.execPath, ["--import", "tsx", "scripts/dev.ts", "--prod", "--fresh"], {
      cwd: ROOT,
      stdio: ["ignore", out, out],
      detached: true,
      env: {
        ...process.env,
        NODE_OPTIONS: "",
        // a PostgreSQL server (its database is wiped: the chain is new, so the binding resets
        // it), or "": the embedded PGlite, as `npm run dev`.
        DATABASE_URL: databaseUrl,
        CHAIN_RPC_URL: "",
        CUSTODY_ADDRESS: "",
        CHAIN_PORT: String(o.chainPort),
        PORT: String(o.appPort),
        APP_URL: appUrl,
        PGLITE_DATA_DIR: path.join(dataDir, "pglite"),
        DEPLOYMENT_FILE: path.join(dataDir, "deployment.json"),
        // Bench-only secret for this throwaway server.
        SESSION_SECRET: "bench-only-session-secret-0123456789abcdef",
        // The bench's deposits are credited at once (automine makes no further blocks).
        CHAIN_CONFIRMATIONS: "0",
        MARK_FEED: "off",
        RATE_LIMIT_SIGN_IN_PER_MINUTE: "1000",
        ...o.env,
      },
    });
    closeSync(out);
    const proc = child;
    const exited = once(proc, "exit");
    let gone = false;
    void exited.then(() => (gone = true));
    onExit = () => {
      if (!gone && proc.pid) process.kill(proc.pid, "SIGTERM");
    };
    process.once("exit", onExit);
    // a bench stopped with Ctrl-C or kill still stops its stack (a signal skips "exit")
    for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => process.exit(130));

    const tail = () => readFileSync(logFile, "utf8").split("\n").slice(-30).join("\n");
    const deadline = Date.now() + 300_000;
    for (;;) {
      if (gone) throw new Error(`the stack exited before it was healthy:\n${tail()}`);
      if (Date.now() > deadline) throw new Error(`the stack was not healthy after 300 s:\n${tail()}`);
      const ok = await fetch(`${appUrl}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    // load the API route once before the build lock goes (a rebuild cannot pull it away then)
    await fetch(`${appUrl}/api/trpc/auth.me`).then((r) => r.text());
    release();
    log(`stack healthy`);
    const stopFn = async () => {
      if (gone) return;
      process.kill(proc.pid!, "SIGTERM");
      const timer = setTimeout(() => {
        if (!gone) process.kill(proc.pid!, "SIGKILL");
      }, 20_000);
      await exited;
      clearTimeout(timer);
      if (onExit) process.removeListener("exit", onExit);
    };
    return {
      appUrl,
      rpcUrl,
      database: describeDatabase(databaseUrl),
      databaseUrl,
      durability,
      logFile,
      stop: stopFn,
    };
  } catch (error) {
    release();
    if (child?.pid && child.exitCode === null) {
      process.kill(child.pid, "SIGTERM");
      await once(child, "exit");
    }
    if (onExit) process.removeListener("exit", onExit);
    throw error;
  }
}
