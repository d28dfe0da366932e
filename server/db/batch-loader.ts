/**
 * Coalesces concurrent point lookups into one query, the way the engine's group commit
 * coalesces writes: a lookup starts its query at once when none is running (no added latency
 * when idle); lookups that arrive while one runs wait for it and then go together in the next
 * query. Every caller still gets a row read by a query that started after it asked, so "read
 * on every request" stays true. Under load this turns N round trips on a single-connection
 * database (embedded PGlite runs them one at a time on the event loop) into about one per
 * round trip time.
 */
export class BatchLoader<K, V> {
  private waiting: { key: K; resolve: (v: V | null) => void; reject: (e: unknown) => void }[] = [];
  private running = false;

  /**
   * `fetch` gets distinct keys (by `id`) and returns the rows it found; `keyOf(row)` must give
   * the same id as `id(key)` for the row of that key.
   */
  constructor(
    private readonly fetch: (keys: K[]) => Promise<V[]>,
    private readonly id: (key: K) => string,
    private readonly keyOf: (row: V) => string,
    private readonly maxBatch = 1_000,
  ) {}

  load(key: K): Promise<V | null> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      if (!this.running) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.maxBatch);
        const distinct = new Map<string, K>();
        for (const w of batch) distinct.set(this.id(w.key), w.key);
        try {
          const rows = await this.fetch([...distinct.values()]);
          const found = new Map<string, V>();
          for (const r of rows) found.set(this.keyOf(r), r);
          for (const w of batch) w.resolve(found.get(this.id(w.key)) ?? null);
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
