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
 * On globalThis because Next.js may load this module more than once per process.
 */
const g = globalThis as unknown as { __clearlineCoverageLock?: Promise<unknown> };

/** Runs `fn` once every earlier holder has finished (whether it succeeded or failed); the lock is taken synchronously, in call order. */
export function withCoverageLock<T>(fn: () => Promise<T>): Promise<T> {
  const previous = g.__clearlineCoverageLock ?? Promise.resolve();
  const next = previous.then(fn, fn);
  g.__clearlineCoverageLock = next.catch(() => undefined);
  return next;
}
