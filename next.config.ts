import type { NextConfig } from "next";
import { PHASE_DEVELOPMENT_SERVER } from "next/constants";

/**
 * Headers on every page and asset (SECURITY attack 24). The CSP keeps the pages out of other
 * sites' frames (frame-ancestors), allows scripts, styles and fonts from our origin only, and
 * no plugins or foreign base URLs. Next.js inlines its bootstrap scripts and styles, hence
 * 'unsafe-inline' for both; development adds 'unsafe-eval' (React Refresh) and its websocket.
 * connect-src allows any http(s)/ws(s) endpoint: the chain's RPC URL is configuration read at
 * run time (docs/ARCHITECTURE.md), not known when this is built.
 */
export function securityHeaders(dev: boolean): { key: string; value: string }[] {
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https:", // wallets' icons (EIP-6963) are data: or https: URLs
    "font-src 'self' data:",
    "connect-src 'self' http: https: ws: wss:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  return [
    { key: "Content-Security-Policy", value: csp },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
  ];
}

export default function nextConfig(phase: string): NextConfig {
  const dev = phase === PHASE_DEVELOPMENT_SERVER;
  return {
    // One PGlite per process: keep the database drivers out of the bundle (TOOLCHAIN.md).
    serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@prisma/adapter-pg", "pg", "secp256k1"],
    reactStrictMode: true,
    poweredByHeader: false,
    typedRoutes: false,
    async headers() {
      return [{ source: "/:path*", headers: securityHeaders(dev) }];
    },
  };
}
