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

export function clientIp(headers: Headers): string {
  const hops =
    headers
      .get("x-forwarded-for")
      ?.split(",")
      .map((h) => h.trim())
      .filter(Boolean) ?? [];
  return hops.at(-1) || headers.get("x-real-ip") || "local";
}

/** The context of a request: its session cookie read against the services' database. */
export async function createContext(headers: Headers, resHeaders: Headers, services: AppServices): Promise<Context> {
  const deps = services.auth;
  const token = readSessionToken(headers.get("cookie"), secureCookies(deps));
  const session = token ? await loadSession(deps, token) : null;
  return { session, headers, ip: clientIp(headers), resHeaders, services };
}
