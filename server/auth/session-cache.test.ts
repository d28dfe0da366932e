import { describe, expect, it } from "vitest";
import { SessionCache, type SessionRow } from "./session-cache";

const row = (tokenHash: string, userId: string, extra: Partial<SessionRow> = {}): SessionRow => ({
  tokenHash,
  sessionId: `s-${tokenHash}`,
  userId,
  address: "0x0000000000000000000000000000000000000001",
  roles: ["TRADER"],
  suspendedAt: null,
  expiresAt: new Date(Date.now() + 60_000),
  revokedAt: null,
  ...extra,
});

/** a database stand-in whose rows the test changes, counting reads */
function table(rows: SessionRow[]) {
  const byHash = new Map(rows.map((r) => [r.tokenHash, r]));
  let reads = 0;
  return {
    byHash,
    get reads() {
      return reads;
    },
    read: async (hash: string) => {
      reads++;
      return byHash.get(hash) ?? null;
    },
  };
}

describe("SessionCache", () => {
  it("reads the database every time until LISTEN is in force, then serves from memory", async () => {
    const db = table([row("a", "u1")]);
    const cache = new SessionCache();
    await cache.load("a", db.read);
    await cache.load("a", db.read);
    expect(db.reads).toBe(2);
    cache.listening();
    await cache.load("a", db.read);
    expect(await cache.load("a", db.read)).toEqual(row("a", "u1", { expiresAt: db.byHash.get("a")!.expiresAt }));
    expect(db.reads).toBe(3);
    expect(cache.stats()).toMatchObject({ live: true, size: 1, hits: 1, reads: 3 });
  });

  it("forgetting a user drops every session of theirs and no one else's", async () => {
    const db = table([row("a", "u1"), row("b", "u1"), row("c", "u2")]);
    const cache = new SessionCache();
    cache.listening();
    for (const h of ["a", "b", "c"]) await cache.load(h, db.read);
    db.byHash.set("a", row("a", "u1", { roles: ["TRADER", "ADMIN"] }));
    cache.notified("u1");
    expect(cache.stats().size).toBe(1);
    expect((await cache.load("a", db.read))?.roles).toEqual(["TRADER", "ADMIN"]);
    await cache.load("c", db.read);
    expect(db.reads).toBe(4);
    cache.notified("*");
    expect(cache.stats().size).toBe(0);
  });

  it("a read that raced a change is answered but not kept", async () => {
    const db = table([row("a", "u1")]);
    const cache = new SessionCache();
    cache.listening();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const stale = cache.load("a", async (h) => {
      const r = await db.read(h);
      await gate; // the change commits and is notified while this read is under way
      return r;
    });
    db.byHash.set("a", row("a", "u1", { suspendedAt: new Date() }));
    cache.notified("u1");
    release();
    expect((await stale)?.suspendedAt).toBeNull();
    expect(cache.stats().size).toBe(0);
    expect((await cache.load("a", db.read))?.suspendedAt).toBeInstanceOf(Date);
  });

  it("a lost connection empties the cache and stops serving from it until LISTEN is back", async () => {
    const db = table([row("a", "u1")]);
    const cache = new SessionCache();
    cache.listening();
    await cache.load("a", db.read);
    cache.lost();
    await cache.load("a", db.read);
    await cache.load("a", db.read);
    expect(db.reads).toBe(3);
    expect(cache.stats()).toMatchObject({ live: false, size: 0 });
    cache.listening();
    await cache.load("a", db.read);
    await cache.load("a", db.read);
    expect(db.reads).toBe(4);
  });

  it("unknown tokens are not kept, and the oldest entry goes when full", async () => {
    const db = table([row("a", "u1"), row("b", "u2"), row("c", "u3")]);
    const cache = new SessionCache(2);
    cache.listening();
    expect(await cache.load("nope", db.read)).toBeNull();
    for (const h of ["a", "b", "c"]) await cache.load(h, db.read);
    expect(cache.stats().size).toBe(2);
    await cache.load("a", db.read); // evicted: read again
    expect(db.reads).toBe(5);
    cache.notified("u1");
    await cache.load("c", db.read); // still cached
    expect(db.reads).toBe(5);
  });

  it("re-reads a row older than maxAgeMs even without a notification", async () => {
    const db = table([row("a", "u1")]);
    let now = 0;
    const cache = new SessionCache(10, 30_000, () => now);
    cache.listening();
    await cache.load("a", db.read);
    now = 29_000;
    await cache.load("a", db.read);
    expect(db.reads).toBe(1);
    now = 31_000;
    await cache.load("a", db.read);
    expect(db.reads).toBe(2);
    await cache.load("a", db.read);
    expect(db.reads).toBe(2);
  });
});
