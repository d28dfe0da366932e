/**
 * SECURITY attack 24: every page carries a CSP with frame-ancestors, nosniff and a referrer
 * policy. Next.js serves the pages with the headers next.config.ts declares for every path;
 * e2e/security-headers.spec.ts checks them on the running app's responses.
 */
import { PHASE_DEVELOPMENT_SERVER, PHASE_PRODUCTION_SERVER } from "next/constants";
import type { NextConfig } from "next";
import { describe, expect, it } from "vitest";
import nextConfig from "../../next.config";

async function headersFor(phase: string): Promise<Map<string, string>> {
  const config: NextConfig =
    typeof nextConfig === "function" ? (nextConfig as (p: string) => NextConfig)(phase) : nextConfig;
  const rules = (await config.headers?.()) ?? [];
  const all = rules.find((r) => r.source === "/:path*");
  expect(all, "a header rule for every path").toBeDefined();
  return new Map(all!.headers.map((h) => [h.key.toLowerCase(), h.value]));
}

describe("security headers on every page (next.config.ts)", () => {
  it("every path gets a CSP with frame-ancestors 'none', nosniff and a referrer policy, in production and in development", async () => {
    for (const phase of [PHASE_PRODUCTION_SERVER, PHASE_DEVELOPMENT_SERVER]) {
      const h = await headersFor(phase);
      const csp = (h.get("content-security-policy") ?? "").split(";").map((d) => d.trim());
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'self'");
      expect(csp).toContain("form-action 'self'");
      expect(h.get("x-content-type-options")).toBe("nosniff");
      expect(h.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(h.get("x-frame-options")).toBe("DENY");
      // eval only where React Refresh needs it
      const scripts = csp.find((d) => d.startsWith("script-src")) ?? "";
      expect(scripts.includes("'unsafe-eval'")).toBe(phase === PHASE_DEVELOPMENT_SERVER);
    }
  });
});
