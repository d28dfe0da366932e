/** The per-request context every procedure receives: who is calling, and the server's parts. */
import { secureCookies } from "../auth/deps";
import { readSessionToken } from "../auth/session-token";
import { loadSession } from "../services/auth";
import type { Role, Session } from "../auth/session";
import type { AppServices } from "./services";

export type { Role, Session };

export interface Context {
  /** the signed-in user, loaded from the session cookie on every request (null: signed out) */
  session: Session | null;
  headers: Headers;
  /** best-effort client IP, for rate limits (the last X-Forwarded-For hop: set by our proxy, or by Next.js itself) */
  ip: string;
  /** headers added to the HTTP response (Set-Cookie); a server-side caller gets a throwaway one */
  resHeaders: Headers;
  /** the server's parts, built once by the composition root (server/app-services.ts) */
  services: AppServices;
}

/**
 * The client's IP: the last X-Forwarded-For hop (the app server appends the TCP peer), skipping
 * from the end the hops that are `trustedProxies` (TRUSTED_PROXIES: the reverse proxies in
 * front of the server), each of which appended the address that connected to it. Without the
 * setting, behind a proxy every client would be the proxy and share its per-IP buckets.
 * Hops before the first untrusted one are the client's own claims and never read.
 */
export function clientIp(headers: Headers, trustedProxies: readonly string[] = []): string {
  const hops =
    headers
      .get("x-forwarded-for")
      ?.split(",")
      .map((h) => h.trim())
      .filter(Boolean) ?? [];
  let i = hops.length - 1;
  while (i > 0 && trustedProxies.includes(hops[i]!)) i--;
  return hops[i] || headers.get("x-real-ip") || "local";
}

/** The context of a request: its session cookie read against the services' database. */
export async function createContext(headers: Headers, resHeaders: Headers, services: AppServices): Promise<Context> {
  const deps = services.auth;
  const token = readSessionToken(headers.get("cookie"), secureCookies(deps));
  const session = token ? await loadSession(deps, token) : null;
  return { session, headers, ip: clientIp(headers, deps.trustedProxies), resHeaders, services };
}
