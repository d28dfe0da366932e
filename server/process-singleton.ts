/**
 * One instance per server process of something that runs in the background (Next.js loads
 * server modules more than once, so a module-level variable is not enough): start it once,
 * look it up, stop it on shutdown.
 */
export function processSingleton<T extends { stop(): Promise<void> }>(key: string) {
  const g = globalThis as unknown as Record<string, T | undefined>;
  return {
    /** Start it unless it runs already; returns the running one. */
    start(create: () => T): T {
      return (g[key] ??= create());
    },
    /** The running instance, or null. */
    get(): T | null {
      return g[key] ?? null;
    },
    /** Stop and forget it (a later start() makes a new one). */
    async stop(): Promise<void> {
      const running = g[key];
      g[key] = undefined;
      await running?.stop();
    },
  };
}
