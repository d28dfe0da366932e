/** End a feed's queue when the client goes away. */
export function closeOnAbort(signal: AbortSignal | undefined, q: { close(): void }): void {
  if (signal === undefined) return;
  if (signal.aborted) q.close();
  else signal.addEventListener("abort", () => q.close(), { once: true });
}

/** Most rows one back-fill pass reads; a client further behind resumes again from where it got. */
export const BACKFILL_LIMIT = 5_000;
