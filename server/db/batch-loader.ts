/**
 * Coalesces concurrent point lookups into one query, the way the engine's group commit
 * coalesces writes: the lookups made during one turn of the event loop (every request whose
 * bytes arrived in the same I/O phase) go in one query, started by setImmediate, and lookups
 * that arrive while a query runs go together in the next one. Every caller still gets a row
 * read by a query that started after it asked, so "read on every request" stays true.
 * Why a turn and not "at once when idle": embedded PGlite runs a query synchronously on the
 * event loop (WASM + synchronous file I/O behind a promise), so no other request is even parsed
 * while one runs — without waiting for the turn to end there would be nothing to coalesce.
 */
export class BatchLoader<K, V> {
  private waiting: { key: K; resolve: (v: V | null) => void; reject: (e: unknown) => void }[] = [];
  private running = false;
  private scheduled = false;

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
      if (!this.running && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          void this.run();
        });
      }
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
