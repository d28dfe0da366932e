/**
 * In-process pub/sub of newly signed channel states, per trader (EIP-55 address). The
 * `channel.states` subscription attaches here first, then back-fills from the database, then
 * skips versions it already sent (see TOOLCHAIN.md: resumable SSE without gaps or duplicates).
 */
import type { StoredState } from "./repository";

export type StateListener = (state: StoredState) => void;

export class StateFeed {
  private readonly listeners = new Map<string, Set<StateListener>>();

  subscribe(trader: string, listener: StateListener): () => void {
    const key = trader.toLowerCase();
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(key);
    };
  }

  publish(trader: string, state: StoredState): void {
    const set = this.listeners.get(trader.toLowerCase());
    if (!set) return;
    for (const listener of set) {
      try {
        listener(state);
      } catch (error) {
        console.error("channel state listener failed", error);
      }
    }
  }

  /** Listeners of every trader (the ops console's "subscriptions connected"). */
  totalSubscribers(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  subscriberCount(trader: string): number {
    return this.listeners.get(trader.toLowerCase())?.size ?? 0;
  }
}
