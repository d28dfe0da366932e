/** Helpers for the admin API's integration tests: contexts for a given role, and the process singletons pointed at a test database. */
import { getAddress } from "viem";
import type { AuthDeps } from "../../auth/deps";
import { RateLimiter } from "../../auth/rate-limit";
import type { DatabaseHandle } from "../../db";
import type { Context, Role } from "../context";

export const ADMIN = getAddress("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
export const OPERATOR = getAddress("0xa0ee7a142d267c1f36714e4a8f75612f20a79720");

export function ctxFor(
  address: `0x${string}` | null,
  roles: Role[] = ["TRADER"],
  suspendedAt: Date | null = null,
): Context {
  const deps = {
    limiter: new RateLimiter(),
    limits: { orders: { per: "session", burst: 10_000, perSecond: 10_000 } },
    now: () => new Date(),
  } as unknown as AuthDeps;
  return {
    session:
      address === null ? null : { sessionId: `s-${address}`, userId: `u-${address}`, address, roles, suspendedAt },
    headers: new Headers(),
    ip: "test",
    resHeaders: new Headers(),
    deps,
  };
}

/**
 * Procedures that read the process's database handle (the health view's migration status) get
 * the test database: the same globalThis slot server/db.ts fills on first use.
 */
export function useTestDatabaseAsProcessDatabase(handle: DatabaseHandle): () => void {
  const g = globalThis as unknown as { __clearlineDb?: DatabaseHandle };
  const previous = g.__clearlineDb;
  g.__clearlineDb = handle;
  return () => {
    g.__clearlineDb = previous;
  };
}
