/**
 * Sessions served from memory, kept true to the database.
 *
 * Every API request needs its session (user, roles, suspension). Reading it from the database
 * each time put a round trip in front of every order. Here a session row, once read, is served
 * from memory until the database says it changed: a trigger on "User" and "Session" sends
 * NOTIFY clearline_session with the user's id on every UPDATE or DELETE, whoever makes it (the
 * app, an operator in psql), when it commits (migration session_change_notify). The app's own
 * changes (revocation, suspension, roles) also forget the user at once after their commit, so
 * the caller's next request already sees them even before the notification arrives.
 *
 * Correctness rules:
 * - The cache serves only while LISTEN is in force. Until then, and from a lost connection
 *   until the next LISTEN, every lookup reads the database and nothing is kept.
 * - A row read from the database is kept only if no invalidation (nor a loss) happened since
 *   the read started: a read racing a change never stores the old row.
 * - Expiry and revocation are checked on every use (expiresAt is in the row).
 * - Unknown tokens are not kept (nothing to invalidate them by; they are not the hot path).
 * - At most `maxEntries` rows; the oldest go first.
 * - A row is read again after `maxAgeMs` (30 s) whatever was notified: a bound on staleness
 *   should notifications stop without the connection saying so.
 */
import type { Db, DatabaseHandle } from "../db";

export const SESSION_CHANNEL = "clearline_session";

/** What a session lookup reads (server/services/auth.ts). */
export interface SessionRow {
  tokenHash: string;
  sessionId: string;
  userId: string;
  address: string;
  roles: string[];
  suspendedAt: Date | null;
  expiresAt: Date;
  revokedAt: Date | null;
}

export class SessionCache {
  private readonly rows = new Map<string, { row: SessionRow; at: number }>();
  private readonly byUser = new Map<string, Set<string>>();
  private generation = 0;
  private live = false;
  private readonly counters = { hits: 0, reads: 0, invalidations: 0 };

  constructor(
    private readonly maxEntries = 100_000,
    private readonly maxAgeMs = 30_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The row for `tokenHash`: from memory, else through `read` (kept when nothing changed meanwhile). */
  async load(tokenHash: string, read: (tokenHash: string) => Promise<SessionRow | null>): Promise<SessionRow | null> {
    if (this.live) {
      const hit = this.rows.get(tokenHash);
      if (hit !== undefined && this.now() - hit.at <= this.maxAgeMs) {
        this.counters.hits++;
        return hit.row;
      }
    }
    this.counters.reads++;
    const startedAt = this.generation;
    const readAt = this.now();
    const row = await read(tokenHash);
    if (row !== null && this.live && this.generation === startedAt) this.keep(row, readAt);
    return row;
  }

  /** Forget every session of a user (a row of theirs changed). */
  forgetUser(userId: string): void {
    this.generation++;
    this.counters.invalidations++;
    for (const hash of this.byUser.get(userId) ?? []) this.rows.delete(hash);
    this.byUser.delete(userId);
  }

  forgetAll(): void {
    this.generation++;
    this.counters.invalidations++;
    this.rows.clear();
    this.byUser.clear();
  }

  /** A notification from the database. */
  notified(payload: string): void {
    if (payload === "*") this.forgetAll();
    else this.forgetUser(payload);
  }

  /** LISTEN is in force: serve from memory from now on. */
  listening(): void {
    this.forgetAll();
    this.live = true;
  }

  /** Notifications may have been missed: forget everything and read the database until `listening()`. */
  lost(): void {
    this.live = false;
    this.forgetAll();
  }

  stats(): { live: boolean; size: number; hits: number; reads: number; invalidations: number } {
    return { live: this.live, size: this.rows.size, ...this.counters };
  }

  private keep(row: SessionRow, at: number) {
    this.drop(row.tokenHash); // re-inserted: the oldest entry stays first in the map
    if (this.rows.size >= this.maxEntries) {
      const oldest = this.rows.keys().next().value;
      if (oldest !== undefined) this.drop(oldest);
    }
    this.rows.set(row.tokenHash, { row, at });
    let hashes = this.byUser.get(row.userId);
    if (hashes === undefined) this.byUser.set(row.userId, (hashes = new Set()));
    hashes.add(row.tokenHash);
  }

  private drop(tokenHash: string) {
    const entry = this.rows.get(tokenHash);
    if (entry === undefined) return;
    this.rows.delete(tokenHash);
    const hashes = this.byUser.get(entry.row.userId);
    hashes?.delete(tokenHash);
    if (hashes?.size === 0) this.byUser.delete(entry.row.userId);
  }
}

const caches = new WeakMap<Db, { cache: SessionCache; stop: () => Promise<void> }>();

/** The cache serving `db`'s sessions, if one was attached (the app server attaches one; tests may). */
export function sessionCacheOf(db: Db): SessionCache | undefined {
  return caches.get(db)?.cache;
}

/**
 * Serves `handle`'s sessions from a cache fed by its notifications. Resolves once LISTEN is in
 * force; if it cannot be (the listening connection fails), the error is thrown and nothing is
 * attached — sessions are then read from the database on every request, as without a cache.
 */
export async function attachSessionCache(handle: DatabaseHandle, maxEntries?: number): Promise<SessionCache> {
  const existing = caches.get(handle.db);
  if (existing) return existing.cache;
  const cache = new SessionCache(maxEntries);
  const stop = await handle.listen(SESSION_CHANNEL, {
    notify: (payload) => cache.notified(payload),
    listening: () => cache.listening(),
    lost: () => cache.lost(),
  });
  caches.set(handle.db, { cache, stop });
  return cache;
}

/** Stops the cache's listening (before the database closes). */
export async function detachSessionCache(db: Db): Promise<void> {
  const entry = caches.get(db);
  if (!entry) return;
  caches.delete(db);
  entry.cache.lost();
  await entry.stop();
}
