/**
 * What sign-in, sessions and the request guard depend on, in one object so an integration test
 * can hand the real route handler a throwaway database, its own chain client and clock.
 * `authDepsFrom()` builds the running server's from its configuration (server/app-services.ts).
 */
import { getAddress, type Address, type PublicClient } from "viem";
import type { Db } from "../db";
import type { Env } from "../env";
import { CallMemory } from "./call-memory";
import { RateLimiter, rateLimitsFrom, type ConfiguredRateLimits } from "./rate-limit";

export interface AuthDeps {
  db: Db;
  /** APP_URL: its host is the SIWE domain, its origin the only one allowed to call mutations */
  appUrl: URL;
  /** the chain sign-in messages must name (the deployment's) */
  chainId(): Promise<number>;
  /** verifies signatures; smart-wallet (ERC-1271) signatures through an eth_call at each use */
  publicClient: PublicClient;
  now(): Date;
  sessionSecret: string;
  sessionTtlSeconds: number;
  siweMaxAgeSeconds: number;
  maxBodyBytes: number;
  /** gets ADMIN when first signing in (the seed grants it too) */
  adminAddress: Address;
  limiter: RateLimiter;
  limits: ConfiguredRateLimits;
  /** idempotency keys of the mutations outside the engine's journal (the channel procedures) */
  calls: CallMemory;
  /** TRUSTED_PROXIES: addresses of the reverse proxies in front of the server (server/api/context.ts clientIp) */
  trustedProxies?: readonly string[];
}

/** The server's dependencies from its configuration, database and chain (built once by the composition root). */
export function authDepsFrom(e: Env, parts: { db: Db; chainId: number; publicClient: PublicClient }): AuthDeps {
  return {
    db: parts.db,
    appUrl: new URL(e.appUrl),
    chainId: async () => parts.chainId,
    publicClient: parts.publicClient,
    now: () => new Date(),
    sessionSecret: e.sessionSecret,
    sessionTtlSeconds: e.sessionTtlSeconds,
    siweMaxAgeSeconds: e.siweMaxAgeSeconds,
    maxBodyBytes: e.apiMaxBodyBytes,
    adminAddress: getAddress(e.adminAddress),
    limiter: new RateLimiter(),
    limits: rateLimitsFrom(e.rateLimits),
    calls: new CallMemory(),
    trustedProxies: e.trustedProxies,
  };
}

/** Secure cookies whenever the app is served over https. */
export function secureCookies(deps: Pick<AuthDeps, "appUrl">): boolean {
  return deps.appUrl.protocol === "https:";
}
