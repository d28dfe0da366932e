// Delivering a scenario's messages to a replica in a random order, with duplicates, drops and
// then a resend of everything (test support).
import type { Message } from "./types";
import { Replica } from "./replica";
import type { Scenario } from "./scenario.test-util";

export interface Delivery {
  /** indices (mod the message count): repeats are duplicates, missing ones are drops */
  first: number[];
  /** sort keys of the resend pass, which sends every message once */
  resend: number[];
}

/** The messages of `delivery`: the first pass, then the resend pass. */
export function schedule(messages: readonly Message[], delivery: Delivery): { first: Message[]; resend: Message[] } {
  const m = messages.length;
  const first = m === 0 ? [] : delivery.first.map((i) => messages[i % m]!);
  const keys = messages.map((_, i) => delivery.resend[i] ?? i);
  const resend = messages.map((msg, i) => ({ msg, key: keys[i]!, i })).sort((a, b) => a.key - b.key || a.i - b.i);
  return { first, resend: resend.map((r) => r.msg) };
}

/** Feeds `messages` to `replica`, calling `check` after each one that changed the state. */
export function deliver(replica: Replica, messages: readonly Message[], check: (replica: Replica) => void): void {
  for (const message of messages) if (replica.receive(message) === "added") check(replica);
}

/** A replica that got every message of the scenario once, in order. */
export function fullReplica(scenario: Scenario): Replica {
  const replica = new Replica(scenario.config, scenario.deposits);
  for (const message of scenario.messages) replica.receive(message);
  return replica;
}
