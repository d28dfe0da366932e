/**
 * LISTEN/NOTIFY on every kind of database handle (server/db.ts): what a cache needs to stay true
 * to the database (server/auth/session-cache.ts).
 *
 * A listener is told three things: a notification's payload; `listening()` once LISTEN is in
 * force (notifications are delivered from then on); `lost()` when notifications may have been
 * missed (the listening connection dropped, the PGlite thread died) — whatever they would have
 * invalidated must be forgotten and not trusted again before the next `listening()`.
 *
 * - PGlite in this thread: `PGlite.listen`; never lost while the instance lives.
 * - PGlite on its worker thread: the worker listens and posts each payload to the main thread,
 *   before the reply of the statement whose commit sent it (server/db/pglite-thread.ts).
 * - PostgreSQL: a dedicated connection (LISTEN holds it); on error it reports `lost()` and
 *   reconnects with backoff.
 */
import pg from "pg";

export interface NotificationListener {
  notify(payload: string): void;
  listening(): void;
  lost(): void;
}

/** Starts listening on `channel`; resolves with a function that stops it. */
export type Listen = (channel: string, listener: NotificationListener) => Promise<() => Promise<void>>;

/** Channel names are our own constants; quoting keeps them case-exact. */
export function listenStatement(channel: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  return `LISTEN "${channel}"`;
}

const RETRY_MS = [250, 1_000, 2_000, 5_000, 10_000];

/**
 * LISTEN on its own PostgreSQL connection. The first connection's failure rejects (the caller
 * starts without the cache); a later drop is `lost()`, then reconnects until `stop()`.
 */
export function listenPostgres(
  url: string,
  log: (message: string) => void = (m) => console.error(`[db] ${m}`),
): Listen {
  return async (channel, listener) => {
    let stopped = false;
    let client: pg.Client | null = null;
    let timer: NodeJS.Timeout | undefined;
    let attempt = 0;

    const connect = async (): Promise<void> => {
      // keepAlive: a connection that died without a word is noticed (and reported lost)
      const c = new pg.Client({ connectionString: url, keepAlive: true });
      c.on("notification", (n) => {
        if (n.channel === channel) listener.notify(n.payload ?? "");
      });
      // only a connection that was listening can be lost; a failed attempt rejects instead
      let established = false;
      const drop = (why: string) => {
        if (!established || stopped) return;
        established = false;
        client = null;
        listener.lost();
        log(`LISTEN ${channel}: the connection ended (${why}); reconnecting`);
        c.end().catch(() => undefined);
        retry();
      };
      c.on("error", (e) => drop(e.message));
      c.on("end", () => drop("closed"));
      try {
        await c.connect();
        await c.query(listenStatement(channel));
      } catch (error) {
        await c.end().catch(() => undefined);
        throw error;
      }
      if (stopped) {
        await c.end().catch(() => undefined);
        return;
      }
      client = c;
      established = true;
      attempt = 0;
      listener.listening();
    };

    const retry = () => {
      if (stopped) return;
      const delay = RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)];
      timer = setTimeout(() => {
        connect().catch((e: Error) => {
          log(`LISTEN ${channel}: could not reconnect (${e.message})`);
          retry();
        });
      }, delay);
      timer.unref();
    };

    await connect();
    return async () => {
      stopped = true;
      clearTimeout(timer);
      await client?.end().catch(() => undefined);
      client = null;
    };
  };
}
