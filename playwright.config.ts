import { defineConfig } from "@playwright/test";
import { loadEnv } from "./server/env";
import { CHROMIUM_ARGS, findChromium } from "./e2e/chromium";
import { E2E_APP_URL, E2E_ENV } from "./e2e/stack";

const executablePath = findChromium(loadEnv().chromiumPath) ?? undefined;

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  outputDir: "test-results",
  use: {
    baseURL: E2E_APP_URL,
    viewport: { width: 1280, height: 800 },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: { executablePath, args: CHROMIUM_ARGS },
  },
  webServer: {
    // The whole stack (chain, contracts, fresh database, production build) on its own ports.
    command: "tsx scripts/dev.ts --prod --fresh",
    url: `${E2E_APP_URL}/api/health`,
    env: E2E_ENV,
    timeout: 180_000,
    reuseExistingServer: false,
    // The stack stops its chain and app (each in its own process group) on SIGTERM; the default
    // SIGKILL would leave them running and holding this runner's output pipe.
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "pipe",
    stderr: "pipe",
  },
});
