/** Helpers for the API's integration tests: the services of an engine-only process, and contexts for a given role. */
import { getAddress } from "viem";
import { ClearlineError } from "../../core/errors";
import type { AppServices } from "./services";
import type { AuthDeps } from "../auth/deps";
import { RateLimiter, rateLimitsFrom } from "../auth/rate-limit";
import { CallMemory } from "../auth/call-memory";
import type { DatabaseHandle } from "../db";
import { FeedHub } from "../engine/feed-hub";
import type { EngineRuntime } from "../engine/runtime";
import type { Context, Role } from "./context";

export const ADMIN = getAddress("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
export const OPERATOR = getAddress("0xa0ee7a142d267c1f36714e4a8f75612f20a79720");

/**
 * What an engine-only test process has: its database and an engine runtime (read at each use, so
 * a test may restart it), with generous rate limits; no chain, channels, watcher or watchtower.
 */
export function engineOnlyServices(
  handle: DatabaseHandle,
  engine: () => EngineRuntime,
  auth: AuthDeps = {
    db: handle.db,
    limiter: new RateLimiter(),
    calls: new CallMemory(),
    limits: rateLimitsFrom({ signInPerMinute: 10_000, ordersPerSecond: 10_000 }),
    now: () => new Date(),
  } as AuthDeps,
): AppServices {
  let hub: { rt: EngineRuntime; feeds: FeedHub } | null = null;
  return {
    database: handle,
    db: handle.db,
    auth,
    chain: null,
    get engine() {
      return engine();
    },
    get feeds() {
      const rt = engine();
      if (hub?.rt !== rt) {
        hub?.feeds.stop();
        hub = { rt, feeds: new FeedHub(rt) };
      }
      return hub.feeds;
    },
    channels: null,
    watcher: null,
    watchtower: null,
    markFeed: { kind: "off", intervalMs: 0, driftBps: 0, volatilityBps: 0, seed: 0 },
  };
}

/**
 * `ctxFor(address, roles)`: a signed-in (or, for null, signed-out) caller's context over the
 * services `make` builds on first use (one set for the whole test file).
 */
export function contextsOver(make: () => AppServices) {
  let built: AppServices | undefined;
  const services = () => (built ??= make());
  return function ctxFor(
    address: `0x${string}` | null,
    roles: Role[] = ["TRADER"],
    suspendedAt: Date | null = null,
  ): Context {
    return {
      session:
        address === null ? null : { sessionId: `s-${address}`, userId: `u-${address}`, address, roles, suspendedAt },
      headers: new Headers(),
      ip: "test",
      resHeaders: new Headers(),
      services: services(),
    };
  };
}

/** What a sign-in-only test process has: the auth dependencies and their database; touching the engine throws. */
export function authOnlyServices(auth: AuthDeps): AppServices {
  const absent = (part: string) => () => {
    throw new ClearlineError("UNAVAILABLE", `no ${part} in this test process`, {});
  };
  return {
    get database(): DatabaseHandle {
      return absent("database handle")();
    },
    db: auth.db,
    auth,
    chain: null,
    get engine(): EngineRuntime {
      return absent("engine")();
    },
    get feeds(): FeedHub {
      return absent("feed hub")();
    },
    channels: null,
    watcher: null,
    watchtower: null,
    markFeed: { kind: "off", intervalMs: 0, driftBps: 0, volatilityBps: 0, seed: 0 },
  };
}
