/**
 * The process's lock over the exchange's free custody balance: everything that reads it to
 * promise or take tokens runs under it, one at a time, so each sees the previous one's effect.
 *
 * - `ChannelService.prepareOpen` reads the free balance and what OPENING channels reserve, then
 *   signs and stores an INITIALIZE state promising coverage from it (the reserve grows);
 * - the admin fee withdrawal (server/services/admin-fees.ts) reads the same two figures, sends
 *   custody.withdraw and waits for its receipt (the balance shrinks).
 * Without it, an open and a withdrawal that overlap both pass their check against the same
 * balance, and the open's depositAndOpen then reverts on-chain (two overlapping opens could
 * likewise promise the same tokens twice).
 *
 * In-process only: the exchange service (engine, channels, admin) runs as ONE process over its
 * database — a second process would need a database lock instead (e.g. pg_advisory_xact_lock).
 * The channel service owns one (ChannelServiceDeps.coverageLock, or its own); the fee withdrawal
 * is handed the same instance.
 */
export class CoverageLock {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` once every earlier holder has finished (whether it succeeded or failed); the lock is taken synchronously, in call order. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
