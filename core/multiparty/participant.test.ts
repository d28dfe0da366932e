import type { Address, Hex } from "viem";
import { describe, expect, it } from "vitest";
import { checkpointOf, verifyCheckpointSignature } from "./checkpoint";
import { MultipartyError } from "./errors";
import { OUTSIDER, testChannel } from "./keys.test-util";
import { Participant } from "./participant";
import type { Message, OnChainDeposit } from "./types";

const { config, keys, matcher } = testChannel(3);
const X: Address = "0x1111111111111111111111111111111111111111";
const Y: Address = "0x2222222222222222222222222222222222222222";
const MARKET: Hex = `0x${"4d".repeat(32)}`;
const others = keys.filter((k) => k.address !== matcher.address);
const [alice, bob] = others as [(typeof keys)[number], (typeof keys)[number]];
const deposits = new Map<Hex, OnChainDeposit>([
  [`0x${"a1".repeat(32)}`, { depositor: alice.address, token: X, amount: 100n }],
  [`0x${"b1".repeat(32)}`, { depositor: bob.address, token: Y, amount: 300n }],
]);

function reason(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    if (e instanceof MultipartyError) return e.details.reason;
    throw e;
  }
  return "accepted";
}

describe("Participant: the seed's API over the fold", () => {
  it("deposit, placeOrder, executeTrade, syncWithPeers: all three end in one state and sign one checkpoint", () => {
    const a = new Participant(config, deposits, alice.privateKey, { headEvery: 2 });
    const b = new Participant(config, deposits, bob.privateKey);
    const m = new Participant(config, deposits, matcher.privateKey);
    a.deposit(`0x${"a1".repeat(32)}`);
    b.deposit(`0x${"b1".repeat(32)}`);
    const aLock = a.placeOrder(X, 40n);
    const bLock = b.placeOrder(Y, 120n);
    const wire: Message[] = [...a.takeOutbox(), ...b.takeOutbox()];
    m.syncWithPeers(wire);
    m.executeTrade({ makerLock: aLock, takerLock: bLock, makerAmount: 40n, takerAmount: 120n });
    m.mark(MARKET, 2_500_00000000n);
    const fromMatcher = m.takeOutbox();
    for (const p of [a, b]) p.syncWithPeers([...fromMatcher, ...wire]);
    const [sa, sb, sm] = [a, b, m].map((p) => p.getCurrentState());
    expect(sa!.balances.map((e) => [e.participant, e.token, e.free, e.locked])).toEqual(
      [
        [alice.address, X, 60n, 0n],
        [alice.address, Y, 120n, 0n],
        [bob.address, X, 40n, 0n],
        [bob.address, Y, 180n, 0n],
      ].sort((p, q) => (`${p[0]}${p[1]}` < `${q[0]}${q[1]}` ? -1 : 1)),
    );
    expect(checkpointOf(sb!, 1n)).toEqual(checkpointOf(sa!, 1n));
    expect(checkpointOf(sm!, 1n)).toEqual(checkpointOf(sa!, 1n));
    for (const [p, k] of [
      [a, alice],
      [b, bob],
      [m, matcher],
    ] as const) {
      const { checkpoint, signature } = p.signCheckpoint(1n);
      expect(verifyCheckpointSignature(config.domain, checkpoint, signature, k.address)).toBe(true);
    }
  });

  it("refuses to sign what its own view judges invalid, so its ops are valid for everyone", () => {
    const a = new Participant(config, deposits, alice.privateKey);
    const b = new Participant(config, deposits, bob.privateKey);
    a.deposit(`0x${"a1".repeat(32)}`);
    expect(reason(() => a.transfer(bob.address, X, 101n))).toBe("MULTIPARTY_OP_INVALID");
    expect(reason(() => a.deposit(`0x${"a1".repeat(32)}`))).toBe("MULTIPARTY_OP_INVALID");
    expect(reason(() => a.deposit(`0x${"b1".repeat(32)}`))).toBe("MULTIPARTY_OP_INVALID");
    expect(reason(() => a.mark(MARKET, 1n))).toBe("MULTIPARTY_OP_INVALID");
    const lock = a.placeOrder(X, 10n);
    // bob has not seen alice's lock: he cannot cancel or fill it (and is not its owner or the matcher)
    expect(reason(() => b.cancelOrder(lock))).toBe("MULTIPARTY_OP_INVALID");
    a.transfer(bob.address, X, 90n);
    expect(a.getCurrentState().balances.find((e) => e.participant === alice.address)).toMatchObject({
      free: 0n,
      locked: 10n,
    });
    expect(a.takeOutbox().map((msg) => msg.type === "op" && msg.op.kind)).toEqual(["deposit", "lock", "transfer"]);
  });

  it("a restarted participant that syncs its own ops back continues its chain rather than forking it", () => {
    const before = new Participant(config, deposits, alice.privateKey);
    before.deposit(`0x${"a1".repeat(32)}`);
    before.transfer(bob.address, X, 10n);
    const sent = before.takeOutbox();
    const after = new Participant(config, deposits, alice.privateKey);
    after.syncWithPeers(sent);
    after.transfer(bob.address, X, 5n);
    const b = new Participant(config, deposits, bob.privateKey);
    b.syncWithPeers([...sent, ...after.takeOutbox()]);
    const state = b.getCurrentState();
    expect(state.equivocations).toEqual([]);
    expect(state.heads.find((h) => h.author === alice.address)?.count).toBe(3);
    expect(state.balances.find((e) => e.participant === bob.address)?.free).toBe(15n);
  });

  it("a key that is not a participant's cannot act for the channel", () => {
    expect(reason(() => new Participant(config, deposits, OUTSIDER.privateKey))).toBe("MULTIPARTY_NOT_PARTICIPANT");
  });
});
