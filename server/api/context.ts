/** The per-request context every procedure receives. */
import { authDeps, secureCookies, type AuthDeps } from "../auth/deps";
import { readSessionToken } from "../auth/session-token";
import { loadSession } from "../services/auth";
import type { Role, Session } from "../auth/session";

export type { Role, Session };

export interface Context {
  /** the signed-in user, loaded from the session cookie on every request (null: signed out) */
  session: Session | null;
  headers: Headers;
  /** best-effort client IP, for rate limits (the last X-Forwarded-For hop: set by our proxy, or by Next.js itself) */
  ip: string;
  /** headers added to the HTTP response (Set-Cookie); a server-side caller gets a throwaway one */
  resHeaders: Headers;
  deps: AuthDeps;
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

export async function createContext(opts: { req: Request; resHeaders?: Headers; deps?: AuthDeps }): Promise<Context> {
  return contextFromHeaders(opts.req.headers, opts.resHeaders ?? new Headers(), opts.deps ?? authDeps());
}

/** The same context from a request's headers alone (the app server's order entry has no `Request`). */
export async function contextFromHeaders(headers: Headers, resHeaders: Headers, deps: AuthDeps): Promise<Context> {
  const token = readSessionToken(headers.get("cookie"), secureCookies(deps));
  const session = token ? await loadSession(deps, token) : null;
  return { session, headers, ip: clientIp(headers), resHeaders, deps };
}
