/**
 * The session cookie: a random 32-byte token the browser keeps; the database keeps only
 * HMAC-SHA256(SESSION_SECRET, token), so neither a database dump nor a row written by someone
 * without the secret yields a working cookie.
 */
import { createHmac, randomBytes } from "node:crypto";

export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashSessionToken(token: string, secret: string): string {
  return createHmac("sha256", secret).update(token).digest("hex");
}

/**
 * `__Host-` on https: the browser then insists on Secure, Path=/ and no Domain, so a sibling
 * subdomain cannot plant or overwrite it. Plain http (local development) cannot use the prefix.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? "__Host-clearline_session" : "clearline_session";
}

export interface CookieOptions {
  secure: boolean;
  /** seconds; 0 clears the cookie */
  maxAgeSeconds: number;
}

/**
 * HttpOnly (no script can read it), SameSite=Lax: sent on top-level navigations from other
 * sites (a link to the app opens signed in) but not on their forms, images or fetches. CSRF
 * protection does not rest on it: mutations also need JSON and our Origin (request-guard.ts).
 */
export function serializeSessionCookie(token: string, options: CookieOptions): string {
  const parts = [
    `${sessionCookieName(options.secure)}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
  ];
  if (options.maxAgeSeconds <= 0) parts.push("Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  if (options.secure) parts.push("Secure");
  return parts.join("; ");
}

export function clearSessionCookie(secure: boolean): string {
  return serializeSessionCookie("", { secure, maxAgeSeconds: 0 });
}

/** The session token from a Cookie header, or null. */
export function readSessionToken(cookieHeader: string | null, secure: boolean): string | null {
  if (!cookieHeader) return null;
  const name = sessionCookieName(secure);
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      // our tokens are 43 base64url characters; anything else is not ours
      return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
    }
  }
  return null;
}
