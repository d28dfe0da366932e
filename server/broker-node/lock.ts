/** One step at a time: the node's B2B steps (accept, send, publish) run in arrival order, never interleaved. */
export class SerialLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(step: () => Promise<T>): Promise<T> {
    const result = this.tail.then(step);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every step queued so far has run. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
