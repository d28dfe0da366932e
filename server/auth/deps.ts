/**
 * What sign-in, sessions and the request guard depend on, in one object so an integration test
 * can hand the real route handler a throwaway database, its own chain client and clock.
 * `authDeps()` is the process's configuration (server/env.ts, the deployment, the chain client).
 */
import { getAddress, type Address, type PublicClient } from "viem";
import { getDb, type Db } from "../db";
import { env } from "../env";
import { chainClient } from "../chain/client";
import { currentDeployment } from "../chain/deployment";
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
}

const g = globalThis as unknown as { __clearlineRateLimiter?: RateLimiter };

/** The process's limiter: buckets must outlive a request and survive Next.js loading this module twice. */
export function processRateLimiter(): RateLimiter {
  return (g.__clearlineRateLimiter ??= new RateLimiter());
}

/** The running server's dependencies (cheap: every part is a process singleton). */
export function authDeps(): AuthDeps {
  const e = env();
  return {
    db: getDb(),
    appUrl: new URL(e.appUrl),
    chainId: async () => (await currentDeployment()).chainId,
    publicClient: chainClient(),
    now: () => new Date(),
    sessionSecret: e.sessionSecret,
    sessionTtlSeconds: e.sessionTtlSeconds,
    siweMaxAgeSeconds: e.siweMaxAgeSeconds,
    maxBodyBytes: e.apiMaxBodyBytes,
    adminAddress: getAddress(e.adminAddress),
    limiter: processRateLimiter(),
    limits: rateLimitsFrom(e.rateLimits),
  };
}

/** Secure cookies whenever the app is served over https. */
export function secureCookies(deps: Pick<AuthDeps, "appUrl">): boolean {
  return deps.appUrl.protocol === "https:";
}
