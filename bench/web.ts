/**
 * Bench row 7 (shared PERFORMANCE.md): the trade screen (/markets/ETH-PERP) of the production
 * build, measured by Lighthouse's performance category in the same headless Debian Chromium the
 * e2e tests use (e2e/chromium.ts), driven through chrome-launcher — nothing is downloaded.
 *
 * The stack is the real one (bench/lib/stack.ts: `scripts/dev.ts --prod --fresh` on ports
 * 8710/3710 and .data/bench-web/, production build made first when stale, under the build lock),
 * with the mark feed at its default (simulated on a local chain) so the page is live as a
 * trader sees it. The visitor is signed out (first visit: no wallet, no session).
 *
 * Emulation: Lighthouse's DESKTOP preset (1350×940, no CPU slowdown, simulated cable-speed
 * network) — the trade screen is a desktop tool first. Three runs after one warm-up; each row is
 * the median. Absolute rows (no peer): performance score ≥ 90, LCP ≤ 2500 ms, CLS ≤ 0.1.
 *
 * Run alone: `npx tsx bench/web.ts [--quick]` (quick: one run).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CHROMIUM_ARGS, findChromium } from "../e2e/chromium";
import { loadEnv } from "../server/env";
import { startBenchStack } from "./lib/stack";
import type { BenchGroup, BenchOptions, BenchRow } from "./types";

const CHAIN_PORT = 8710;
const APP_PORT = 3710;
const PAGE = "/markets/ETH-PERP";

interface RunFigures {
  score: number;
  lcpMs: number;
  cls: number;
  tbtMs: number;
  fcpMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function measure(
  url: string,
  chromiumPath: string,
  runs: number,
  reportDir: string,
  log: (l: string) => void,
): Promise<RunFigures[]> {
  const [{ default: lighthouse, desktopConfig }, chromeLauncher] = await Promise.all([
    import("lighthouse"),
    import("chrome-launcher"),
  ]);
  const chrome = await chromeLauncher.launch({
    chromePath: chromiumPath,
    chromeFlags: ["--headless=new", ...CHROMIUM_ARGS],
    logLevel: "silent",
  });
  try {
    const out: RunFigures[] = [];
    // run 0 warms the server's route and the browser's compile caches; it is not counted
    for (let i = 0; i <= runs; i++) {
      const result = await lighthouse(
        url,
        { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance"] },
        desktopConfig,
      );
      if (!result) throw new Error("lighthouse returned no result");
      const lhr = result.lhr;
      if (lhr.runtimeError) throw new Error(`lighthouse: ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
      const score = lhr.categories.performance?.score;
      const audit = (id: string) => {
        const v = lhr.audits[id]?.numericValue;
        if (typeof v !== "number")
          throw new Error(
            `lighthouse: no figure for ${id}${lhr.runWarnings.length ? ` (${lhr.runWarnings.join("; ")})` : ""}`,
          );
        return v;
      };
      if (typeof score !== "number")
        throw new Error(
          `lighthouse: no performance score${lhr.runWarnings.length ? ` (${lhr.runWarnings.join("; ")})` : ""}`,
        );
      const f: RunFigures = {
        score: score * 100,
        lcpMs: audit("largest-contentful-paint"),
        cls: audit("cumulative-layout-shift"),
        tbtMs: audit("total-blocking-time"),
        fcpMs: audit("first-contentful-paint"),
      };
      writeFileSync(
        path.join(reportDir, `lighthouse-${i}.json`),
        typeof result.report === "string" ? result.report : JSON.stringify(lhr),
      );
      log(
        `lighthouse ${i === 0 ? "warm-up" : `run ${i}/${runs}`}: score ${f.score.toFixed(0)}, LCP ${f.lcpMs.toFixed(0)} ms, CLS ${f.cls.toFixed(3)}, TBT ${f.tbtMs.toFixed(0)} ms, FCP ${f.fcpMs.toFixed(0)} ms`,
      );
      if (i > 0) out.push(f);
    }
    return out;
  } finally {
    chrome.kill();
  }
}

export const webBench: BenchGroup = async (options: BenchOptions): Promise<BenchRow[]> => {
  const log = (l: string) => console.error(`[bench web] ${l}`);
  const chromiumPath = findChromium(loadEnv().chromiumPath);
  if (!chromiumPath)
    throw new Error("no Chromium found — install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH");
  const reportDir = path.resolve(".data/bench-web/reports");
  mkdirSync(reportDir, { recursive: true });
  // MARK_FEED back to its default (the stack helper turns it off for the API benches)
  const stack = await startBenchStack({
    name: "web",
    chainPort: CHAIN_PORT,
    appPort: APP_PORT,
    env: { MARK_FEED: "simulated" },
    log,
  });
  let runs: RunFigures[];
  try {
    const url = `${stack.appUrl}${PAGE}`;
    const first = await fetch(url);
    if (!first.ok) throw new Error(`${PAGE}: HTTP ${first.status}`);
    await first.text();
    runs = await measure(url, chromiumPath, options.quick ? 1 : 3, reportDir, log);
  } finally {
    await stack.stop();
  }
  const score = median(runs.map((r) => r.score));
  const lcp = median(runs.map((r) => r.lcpMs));
  const cls = median(runs.map((r) => r.cls));
  const tbt = median(runs.map((r) => r.tbtMs));
  const fcp = median(runs.map((r) => r.fcpMs));
  const how = `Lighthouse desktop preset, ${chromiumPath}, ${PAGE} signed out, median of ${runs.length}; reports in ${path.relative(process.cwd(), reportDir)}`;
  return [
    {
      metric: "web.lighthouse_perf",
      unit: "score",
      ours: score,
      peer: null,
      ratio: null,
      target: ">= 90",
      pass: score >= 90,
      note: `${how}; TBT ${tbt.toFixed(0)} ms, FCP ${fcp.toFixed(0)} ms`,
    },
    { metric: "web.lcp_ms", unit: "ms", ours: lcp, peer: null, ratio: null, target: "<= 2500 ms", pass: lcp <= 2500 },
    { metric: "web.cls", unit: "score", ours: cls, peer: null, ratio: null, target: "<= 0.1", pass: cls <= 0.1 },
  ];
};

if (import.meta.url === `file://${process.argv[1]}`) {
  void webBench({ quick: process.argv.includes("--quick") }).then(
    async (rows) => {
      const { renderTable } = await import("./run");
      console.log(renderTable(rows));
      process.exit(0);
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
