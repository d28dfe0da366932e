import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deliver, fullReplica, schedule, type Delivery } from "./delivery.test-util";
import { invariantViolation } from "./invariants.test-util";
import { mergeLogs } from "./log";
import { referenceFold } from "./reference-fold.test-util";
import { Replica } from "./replica";
import { arbStep, buildScenario } from "./scenario.test-util";
import { stateHash } from "./state";
import { fold } from "./fold";

const arbDelivery: fc.Arbitrary<Delivery> = fc.record({
  first: fc.array(fc.nat(), { maxLength: 90 }),
  resend: fc.array(fc.nat(), { maxLength: 90 }),
});

const arbRun = (maxSteps: number) =>
  fc.record({
    steps: fc.array(arbStep, { minLength: 15, maxLength: maxSteps }),
    headEvery: fc.constantFrom(0, 1, 4),
    deliveries: fc.array(arbDelivery, { minLength: 3, maxLength: 3 }),
  });

const RUNS = { 2: 14, 5: 9, 10: 7 } as const;

describe.each([2, 5, 10] as const)("n = %i participants", (n) => {
  it("every replica converges to the reference fold of the union, whatever the delivery; no prefix breaks an invariant", () => {
    fc.assert(
      fc.property(arbRun(n === 10 ? 45 : 35), ({ steps, headEvery, deliveries }) => {
        const scenario = buildScenario(n, steps, headEvery);
        const union = fullReplica(scenario);
        const reference = union.stateHash();
        expect(stateHash(referenceFold(union.log, scenario.deposits))).toBe(reference);
        const partial = deliveries.map((delivery) => {
          const replica = new Replica(scenario.config, scenario.deposits);
          const { first, resend } = schedule(scenario.messages, delivery);
          const check = (r: Replica) => expect(invariantViolation(r.state(), r.log, scenario.deposits)).toBeUndefined();
          deliver(replica, first, check);
          const afterFirstPass = replica.log.clone();
          deliver(replica, resend, check);
          expect(replica.stateHash()).toBe(reference);
          expect(replica.log.digest()).toBe(union.log.digest());
          return afterFirstPass;
        });
        // merge of the partial logs (what was delivered before the resend) is a join: C, A, I
        const [a, b, c] = partial as [typeof union.log, typeof union.log, typeof union.log];
        const h = (log: typeof a) => `${log.digest()} ${stateHash(fold(log, scenario.deposits))}`;
        expect(h(mergeLogs(a, b))).toBe(h(mergeLogs(b, a)));
        expect(h(mergeLogs(mergeLogs(a, b), c))).toBe(h(mergeLogs(a, mergeLogs(b, c))));
        expect(h(mergeLogs(a, a))).toBe(h(a));
        expect(h(mergeLogs(mergeLogs(a, b), b))).toBe(h(mergeLogs(a, b)));
      }),
      { numRuns: RUNS[n] },
    );
  });
});
