import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fold } from "./fold";
import { arbRun, playRun } from "./harness.test-util";
import { invariantViolation } from "./invariants.test-util";
import { mergeLogs, type OpLog } from "./log";
import { referenceFold } from "./reference-fold.test-util";
import type { Replica } from "./replica";
import { stateHash } from "./state";

const RUNS = { 2: 12, 5: 8, 10: 6 } as const;
// generous: the machine is shared, and a property test's time varies with what it draws
const TIMEOUT_MS = 60_000;

describe.each([2, 5, 10] as const)("n = %i participants", (n) => {
  it(
    "every replica converges to the reference fold of the union, whatever the delivery; no prefix breaks an invariant",
    () => {
      let prefixesChecked = 0;
      fc.assert(
        fc.property(arbRun(n === 10 ? 45 : 35), (run) => {
          const check = (r: Replica) => {
            prefixesChecked++;
            expect(invariantViolation(r.state(), r.log, r.knownDeposits)).toBeUndefined();
          };
          const { scenario, union, reference, finals, partial } = playRun(n, run, (r) => r.stateHash(), check);
          expect(stateHash(referenceFold(union.log, scenario.deposits))).toBe(reference);
          expect(finals).toEqual(finals.map(() => reference));
          // merge of the partial logs (what each replica had before the resend) is a join
          const [a, b, c] = partial as [OpLog, OpLog, OpLog];
          const h = (log: OpLog) => `${log.digest()} ${stateHash(fold(log, scenario.deposits))}`;
          // incomplete logs too (gaps, missing dependencies, forks seen from one side) fold as the reference does
          for (const log of partial)
            expect(stateHash(fold(log, scenario.deposits))).toBe(stateHash(referenceFold(log, scenario.deposits)));
          expect(h(mergeLogs(a, b))).toBe(h(mergeLogs(b, a)));
          expect(h(mergeLogs(mergeLogs(a, b), c))).toBe(h(mergeLogs(a, mergeLogs(b, c))));
          expect(h(mergeLogs(a, a))).toBe(h(a));
          expect(h(mergeLogs(mergeLogs(a, b), b))).toBe(h(mergeLogs(a, b)));
        }),
        { numRuns: RUNS[n] },
      );
      // at least every author's opening deposit reached every replica and was checked there
      expect(prefixesChecked).toBeGreaterThanOrEqual(RUNS[n] * 3 * n);
    },
    TIMEOUT_MS,
  );
});
