// The negative control: seed 001's "merge, then ignore invalid transfers" rule, run through the
// same experiment as the real fold, diverges. This documents why core/multiparty judges each op
// in its own causal past instead (docs/MULTIPARTY.md).
import fc from "fast-check";
import type { Hex } from "viem";
import { describe, expect, it } from "vitest";
import { arbRun, playRun } from "./harness.test-util";
import { testChannel } from "./keys.test-util";
import { OpLog } from "./log";
import { Replica } from "./replica";
import { depositId, DEPOSIT_AMOUNT, TOKENS } from "./scenario.test-util";
import { seedBalances, seedStateHash } from "./seed-merge.test-util";
import { ZERO_HASH, type Message, type OnChainDeposit, type Op, type OpBody } from "./types";

describe("seed 001's merge rule (negative control)", () => {
  it("diverges in the convergence experiment the real fold passes: fast-check finds replicas that disagree", () => {
    const result = fc.check(
      fc.property(arbRun(35), (run) => {
        const { reference, finals } = playRun(3, run, (r) => seedStateHash(r.log, r.knownDeposits));
        return finals.every((h) => h === reference);
      }),
      { numRuns: 60, seed: 1, endOnFailure: true },
    );
    expect(result.failed).toBe(true);
    // the same runs under the real fold converge (the property the seed's rule fails)
    const [run] = result.counterexample!;
    const { reference, finals } = playRun(3, run, (r) => r.stateHash());
    expect(finals).toEqual([reference, reference, reference]);
  }, 60_000);

  // The smallest story: Bob pays Alice 10 while Alice, not having seen it, pays Carol 10.
  const { config, keys, keyOf } = testChannel(3);
  const [alice, bob, carol] = keys.map((k) => k.address) as [Hex, Hex, Hex];
  const token = TOKENS[0]!;
  const bobDeposit = depositId(1, 0);
  const deposits = new Map<Hex, OnChainDeposit>([[bobDeposit, { depositor: bob, token, amount: DEPOSIT_AMOUNT }]]);
  const author = new Map(keys.map((k) => [k.address, new OpLog(config)] as const));
  const sign = (who: Hex, seq: number, prev: Hex, body: OpBody): { id: Hex; message: Message } => {
    const op = { channelId: config.channelId, author: who, seq, prev, deps: [], ...body } as Op;
    const { id, signature } = author.get(who)!.addOwnOp(op, keyOf.get(who)!);
    return { id, message: { type: "op", op, signature } };
  };
  const bobIn = sign(bob, 0, ZERO_HASH, { kind: "deposit", token, amount: DEPOSIT_AMOUNT, depositId: bobDeposit });
  const bobPays = sign(bob, 1, bobIn.id, { kind: "transfer", to: alice, token, amount: DEPOSIT_AMOUNT });
  const alicePays = sign(alice, 0, ZERO_HASH, { kind: "transfer", to: carol, token, amount: DEPOSIT_AMOUNT });
  const replicaGetting = (messages: Message[]) => {
    const r = new Replica(config, deposits);
    for (const m of messages) r.receive(m);
    return r;
  };
  const one = replicaGetting([bobIn.message, bobPays.message, alicePays.message]);
  const two = replicaGetting([alicePays.message, bobIn.message, bobPays.message]);
  const free = (balances: Map<string, { free: bigint }>, who: Hex) => balances.get(`${who}|${token}`)?.free ?? 0n;

  it("counterexample: the seed's replicas disagree on who holds Bob's 100, and together owe 200 of it", () => {
    const seedOne = seedBalances(one.log, deposits);
    const seedTwo = seedBalances(two.log, deposits);
    expect([free(seedOne, alice), free(seedOne, carol)]).toEqual([0n, DEPOSIT_AMOUNT]);
    expect([free(seedTwo, alice), free(seedTwo, carol)]).toEqual([DEPOSIT_AMOUNT, 0n]);
    // Alice exits on replica two's view, Carol on replica one's: 200 out of a 100 deposit
    expect(free(seedTwo, alice) + free(seedOne, carol)).toBe(2n * DEPOSIT_AMOUNT);
  });

  it("the real fold gives both replicas one answer: Alice's payment was not covered in its causal past", () => {
    expect(one.stateHash()).toBe(two.stateHash());
    const state = one.state();
    expect(state.statuses.get(alicePays.id)).toEqual({ state: "invalid", reason: "insufficient-free-balance" });
    expect(state.balances.map((b) => [b.participant, b.free])).toEqual([[alice, DEPOSIT_AMOUNT]]);
  });
});
