/**
 * The session cache on a real database (a fresh PGlite, or a database on the CI's PostgreSQL
 * server): once a session is cached, every change to its user or session row — by the app or by
 * plain SQL — reaches it through NOTIFY, and the app's own changes are seen by the very next
 * request.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createMigratedTestDatabase, type TestDatabase } from "../db/testing";
import { getAddress } from "viem";
import { seedMarkets, startQuietRuntime } from "../engine/testing";
import type { EngineRuntime } from "../engine/runtime";
import { loadSession, revokeSession } from "../services/auth";
import { changeRole, setSuspended } from "../services/admin-users";
import { attachSessionCache, detachSessionCache, sessionCacheOf, type SessionCache } from "./session-cache";
import { hashSessionToken, newSessionToken } from "./session-token";

const ADDRESSES = Array.from({ length: 5 }, (_, i) => getAddress(`0x${"5e55".padEnd(38, "0")}0${i + 1}`));
const SECRET = "session-cache-test-secret-0123456789abcdef";
const serverUrl = inject("testDatabaseUrl");
let t: TestDatabase;
let cache: SessionCache;
let rt: EngineRuntime;

const deps = () => ({ db: t.handle.db, sessionSecret: SECRET, now: () => new Date() });

async function signedIn(address: string): Promise<{ token: string; userId: string; sessionId: string }> {
  const user = await t.handle.db.user.upsert({ where: { address }, create: { address }, update: {} });
  const token = newSessionToken();
  const s = await t.handle.db.session.create({
    data: {
      tokenHash: hashSessionToken(token, SECRET),
      userId: user.id,
      address,
      expiresAt: new Date(Date.now() + 3_600_000),
    },
  });
  return { token, userId: user.id, sessionId: s.id };
}

/** a change made outside the app reaches the cache when the database delivers its NOTIFY */
async function untilInvalidated(before: number) {
  for (let i = 0; i < 200 && cache.stats().invalidations === before; i++) await new Promise((r) => setTimeout(r, 10));
  expect(cache.stats().invalidations).toBeGreaterThan(before);
}

beforeAll(async () => {
  t = await createMigratedTestDatabase(serverUrl);
  cache = await attachSessionCache(t.handle);
  await seedMarkets(t.handle.db);
  rt = await startQuietRuntime(t.handle.db);
});

afterAll(async () => {
  await rt?.stop();
  if (t) await detachSessionCache(t.handle.db);
  await t?.drop();
});

describe("session cache", () => {
  it("serves a session from memory after the first read", async () => {
    const { token } = await signedIn(ADDRESSES[0]!);
    const before = cache.stats();
    const first = await loadSession(deps(), token);
    const second = await loadSession(deps(), token);
    expect(second).toEqual(first);
    expect(first?.address).toBe(ADDRESSES[0]);
    expect(cache.stats().reads - before.reads).toBe(1);
    expect(cache.stats().hits - before.hits).toBe(1);
    expect(sessionCacheOf(t.handle.db)).toBe(cache);
  });

  it("a suspension, role change or revocation made in plain SQL reaches the cache", async () => {
    const { token, userId, sessionId } = await signedIn(ADDRESSES[1]!);
    expect((await loadSession(deps(), token))?.suspendedAt).toBeNull();

    let n = cache.stats().invalidations;
    await t.handle.db.$executeRawUnsafe(`UPDATE "User" SET "suspendedAt" = now() WHERE id = $1::uuid`, userId);
    await untilInvalidated(n);
    expect((await loadSession(deps(), token))?.suspendedAt).toBeInstanceOf(Date);

    n = cache.stats().invalidations;
    await t.handle.db.$executeRawUnsafe(
      `UPDATE "User" SET roles = ARRAY['TRADER','OPERATOR']::"Role"[] WHERE id = $1::uuid`,
      userId,
    );
    await untilInvalidated(n);
    expect((await loadSession(deps(), token))?.roles).toEqual(["TRADER", "OPERATOR"]);

    n = cache.stats().invalidations;
    await t.handle.db.$executeRawUnsafe(`UPDATE "Session" SET "revokedAt" = now() WHERE id = $1::uuid`, sessionId);
    await untilInvalidated(n);
    expect(await loadSession(deps(), token)).toBeNull();
  });

  it("deleting the session row signs it out", async () => {
    const { token, sessionId } = await signedIn(ADDRESSES[2]!);
    expect(await loadSession(deps(), token)).not.toBeNull();
    const n = cache.stats().invalidations;
    await t.handle.db.session.delete({ where: { id: sessionId } });
    await untilInvalidated(n);
    expect(await loadSession(deps(), token)).toBeNull();
  });

  it("the app's own changes are seen by the next request, before any notification", async () => {
    const address = ADDRESSES[3]!;
    const { token, sessionId, userId } = await signedIn(address);
    expect((await loadSession(deps(), token))?.roles).toEqual(["TRADER"]);

    await changeRole(t.handle.db, "test-admin", address, "BROKER", true, "test");
    expect((await loadSession(deps(), token))?.roles).toEqual(["TRADER", "BROKER"]);

    await setSuspended(rt, "test-admin", address, true, "test");
    expect((await loadSession(deps(), token))?.suspendedAt).toBeInstanceOf(Date);
    await setSuspended(rt, "test-admin", address, false, "test");
    expect((await loadSession(deps(), token))?.suspendedAt).toBeNull();

    await revokeSession(deps(), { sessionId, userId });
    expect(await loadSession(deps(), token)).toBeNull();
  });

  it("an expired session is refused from the cache too", async () => {
    const { token } = await signedIn(ADDRESSES[4]!);
    const session = await loadSession(deps(), token);
    expect(session).not.toBeNull();
    const later = { ...deps(), now: () => new Date(Date.now() + 2 * 3_600_000) };
    const hits = cache.stats().hits;
    expect(await loadSession(later, token)).toBeNull();
    expect(cache.stats().hits).toBe(hits + 1);
  });

  it.runIf(Boolean(serverUrl))(
    "PostgreSQL: when the listening connection dies the cache stops serving, then reconnects",
    async () => {
      const { token, userId } = await signedIn(ADDRESSES[0]!);
      await loadSession(deps(), token);
      await t.handle.db.$executeRawUnsafe(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database()`,
      );
      for (let i = 0; i < 200 && cache.stats().live; i++) await new Promise((r) => setTimeout(r, 10));
      expect(cache.stats()).toMatchObject({ live: false, size: 0 });
      const reads = cache.stats().reads;
      await loadSession(deps(), token);
      expect(cache.stats().reads).toBe(reads + 1);
      for (let i = 0; i < 500 && !cache.stats().live; i++) await new Promise((r) => setTimeout(r, 10));
      expect(cache.stats().live).toBe(true);
      await loadSession(deps(), token);
      const n = cache.stats().invalidations;
      await t.handle.db.$executeRawUnsafe(`UPDATE "User" SET "suspendedAt" = now() WHERE id = $1::uuid`, userId);
      await untilInvalidated(n);
      expect((await loadSession(deps(), token))?.suspendedAt).toBeInstanceOf(Date);
    },
  );
});
