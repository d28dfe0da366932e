/**
 * `npm run test:e2e`: checks a Chromium is there (one-line instruction if not), builds the
 * production app, then runs Playwright. Extra arguments go to `playwright test`.
 */
import { spawnSync } from "node:child_process";
import { findChromium } from "../e2e/chromium";
import { loadEnv } from "../server/env";
import { bin, childEnv } from "./stack/bin";

const chromium = findChromium(loadEnv().chromiumPath);
if (!chromium) {
  console.error(
    "e2e: no Chromium found — install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium binary.",
  );
  process.exit(1);
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: "inherit", env: childEnv() });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!process.argv.includes("--no-build")) run(bin("next"), ["build"]);
run(bin("playwright"), ["test", ...process.argv.slice(2).filter((a) => a !== "--no-build")]);
