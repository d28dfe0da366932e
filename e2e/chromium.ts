/** Find a Chromium for the end-to-end tests: CHROMIUM_PATH, Debian's, or Playwright's own download. */
import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";

export function findChromium(configured: string | null): string | null {
  const candidates = [configured, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
  for (const c of candidates) if (c && existsSync(c)) return c;
  try {
    const own = chromium.executablePath();
    if (own && existsSync(own)) return own;
  } catch {
    // Playwright has no browser of its own here
  }
  return null;
}

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  // Without these, Chromium floods a closed network with background connections.
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];
