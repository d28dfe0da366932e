// The convergence experiment shared by the property test and the negative control (test
// support): build a scenario, deliver its messages to three replicas in random orders with
// duplicates, drops and a resend, and report each replica's final state hash under `hashOf`.
import fc from "fast-check";
import type { Hex } from "viem";
import { deliver, fullReplica, schedule, type Delivery } from "./delivery.test-util";
import type { OpLog } from "./log";
import { Replica } from "./replica";
import { arbStep, buildScenario, type Scenario, type Step } from "./scenario.test-util";

export const arbDelivery: fc.Arbitrary<Delivery> = fc.record({
  first: fc.array(fc.nat(), { maxLength: 90 }),
  resend: fc.array(fc.nat(), { maxLength: 90 }),
});

export interface Run {
  steps: Step[];
  headEvery: number;
  deliveries: Delivery[];
}

export const arbRun = (maxSteps: number): fc.Arbitrary<Run> =>
  fc.record({
    steps: fc.array(arbStep, { minLength: 15, maxLength: maxSteps }),
    headEvery: fc.constantFrom(0, 1, 4),
    deliveries: fc.array(arbDelivery, { minLength: 3, maxLength: 3 }),
  });

export interface Outcome {
  scenario: Scenario;
  /** a replica that got every message once, in the order they were written */
  union: Replica;
  /** hashOf(union) */
  reference: Hex;
  /** hashOf of each delivered replica at the end */
  finals: Hex[];
  /** each delivered replica's log before the resend pass */
  partial: OpLog[];
}

/** Plays `run` with n participants; `check` sees each replica after every change. */
export function playRun(
  n: number,
  run: Run,
  hashOf: (r: Replica) => Hex,
  check: (r: Replica) => void = () => {},
): Outcome {
  const scenario = buildScenario(n, run.steps, run.headEvery);
  const union = fullReplica(scenario);
  const partial: OpLog[] = [];
  const finals = run.deliveries.map((delivery) => {
    const replica = new Replica(scenario.config, scenario.deposits);
    const { first, resend } = schedule(scenario.messages, delivery);
    deliver(replica, first, check);
    partial.push(replica.log.clone());
    deliver(replica, resend, check);
    return hashOf(replica);
  });
  return { scenario, union, reference: hashOf(union), finals, partial };
}
