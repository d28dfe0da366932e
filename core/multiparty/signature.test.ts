import type { Address, Hex } from "viem";
import { describe, expect, it } from "vitest";
import { hashOp } from "./encode";
import { MultipartyError } from "./errors";
import { witnessLinks, type ForkWitness } from "./evidence";
import { OUTSIDER, testChannel } from "./keys.test-util";
import { OpLog } from "./log";
import { Replica } from "./replica";
import { signHead, signOp, verifyHeadSignature, verifyOpSignature } from "./sign";
import type { Message, OnChainDeposit, Op } from "./types";
import { Writer } from "./writer.test-util";

const { config, keyOf, keys, matcher } = testChannel(3);
const M = matcher.address;
const [A, B] = config.participants.filter((p) => p !== M) as [Address, Address];
const X: Address = "0x1111111111111111111111111111111111111111";
const DEP: Hex = `0x${"01".padStart(64, "0")}`;
const deposits = new Map<Hex, OnChainDeposit>([[DEP, { depositor: A, token: X, amount: 100n }]]);
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function refusedWith(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof MultipartyError) return e.reason;
    throw e;
  }
  return "accepted";
}

function opBy(author: Address, seq = 0): Op {
  return {
    channelId: config.channelId,
    author,
    seq,
    prev: `0x${"00".repeat(32)}`,
    deps: [],
    kind: "deposit",
    token: X,
    amount: 100n,
    depositId: DEP,
  };
}

describe("refused at the door: forged, foreign and malformed input", () => {
  it("an op signed by another participant, or altered after signing, is refused and changes nothing", () => {
    const replica = new Replica(config, deposits);
    const op = opBy(A);
    const forged = signOp(config.domain, op, keyOf.get(B)!);
    expect(refusedWith(() => replica.receive({ type: "op", op, signature: forged }))).toBe(
      "MULTIPARTY_SIGNATURE_INVALID",
    );
    const signature = signOp(config.domain, op, keyOf.get(A)!);
    expect(refusedWith(() => replica.receive({ type: "op", op: { ...op, amount: 101n } as Op, signature }))).toBe(
      "MULTIPARTY_SIGNATURE_INVALID",
    );
    expect(replica.log.ops.size).toBe(0);
    expect(replica.receive({ type: "op", op, signature })).toBe("added");
  });

  it("a malleable (high-s) copy of a valid signature is refused", () => {
    const op = opBy(A);
    const signature = signOp(config.domain, op, keyOf.get(A)!);
    const s = BigInt("0x" + signature.slice(66, 130));
    const v = Number.parseInt(signature.slice(130), 16);
    const high =
      `${signature.slice(0, 66)}${(N - s).toString(16).padStart(64, "0")}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
    expect(verifyOpSignature(config.domain, op, high)).toBe(false);
    expect(refusedWith(() => new Replica(config, deposits).receive({ type: "op", op, signature: high }))).toBe(
      "MULTIPARTY_SIGNATURE_INVALID",
    );
  });

  it("a head signed by someone else is refused; a genuine head is taken", () => {
    const w = new Writer(config, keyOf);
    const first = w.write(A, { kind: "deposit", token: X, amount: 100n, depositId: DEP });
    const genuine = w.head(first);
    const forged = signHead(
      config.domain,
      { channelId: config.channelId, author: A, seq: 0, head: first.id },
      keyOf.get(B)!,
    );
    expect(verifyHeadSignature(config.domain, forged)).toBe(false);
    const replica = new Replica(config, deposits);
    expect(refusedWith(() => replica.receive({ type: "head", head: forged }))).toBe("MULTIPARTY_SIGNATURE_INVALID");
    expect(refusedWith(() => replica.receive({ type: "head", head: { ...genuine, seq: 1 } }))).toBe(
      "MULTIPARTY_SIGNATURE_INVALID",
    );
    expect(replica.receive({ type: "head", head: genuine })).toBe("added");
  });

  it("an op or head by a non-participant is refused, even correctly signed by its own key", () => {
    const op = opBy(OUTSIDER.address);
    const signature = signOp(config.domain, op, OUTSIDER.privateKey);
    expect(verifyOpSignature(config.domain, op, signature)).toBe(true);
    const replica = new Replica(config, deposits);
    expect(refusedWith(() => replica.receive({ type: "op", op, signature }))).toBe("MULTIPARTY_NOT_PARTICIPANT");
    const head = signHead(
      config.domain,
      { channelId: config.channelId, author: OUTSIDER.address, seq: 0, head: hashOp(op) },
      OUTSIDER.privateKey,
    );
    expect(refusedWith(() => replica.receive({ type: "head", head }))).toBe("MULTIPARTY_NOT_PARTICIPANT");
    expect(refusedWith(() => replica.receive({ type: "op", op }))).toBe("MULTIPARTY_NOT_PARTICIPANT");
  });

  it("input for another channel, out of bounds or malformed gets a typed error", () => {
    const replica = new Replica({ ...config, maxOpsPerAuthor: 4 }, deposits);
    const sign = (op: Op) => ({ type: "op" as const, op, signature: signOp(config.domain, op, keyOf.get(A)!) });
    expect(refusedWith(() => replica.receive(sign({ ...opBy(A), channelId: `0x${"00".repeat(32)}` })))).toBe(
      "MULTIPARTY_WRONG_CHANNEL",
    );
    expect(refusedWith(() => replica.receive(sign(opBy(A, 4))))).toBe("MULTIPARTY_MALFORMED");
    // shape is checked before the signature: these cannot even be encoded for signing
    const anySignature = sign(opBy(A)).signature;
    for (const amount of [1n << 256n, 0n, -1n])
      expect(
        refusedWith(() => replica.receive({ type: "op", op: { ...opBy(A), amount } as Op, signature: anySignature })),
      ).toBe("MULTIPARTY_MALFORMED");
    expect(refusedWith(() => replica.receive(sign({ ...opBy(A), deps: Array(4).fill(DEP) })))).toBe(
      "MULTIPARTY_MALFORMED",
    );
    expect(refusedWith(() => replica.receive({ type: "op", op: opBy(A), signature: "0x1234" }))).toBe(
      "MULTIPARTY_SIGNATURE_INVALID",
    );
    const many = Array.from({ length: 33 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, "0")}` as Address);
    expect(refusedWith(() => new Replica({ ...config, participants: many, matcher: many[0]! }, deposits))).toBe(
      "MULTIPARTY_CONFIG_INVALID",
    );
    expect(
      refusedWith(() => new Replica({ ...config, participants: [...config.participants].reverse() }, deposits)),
    ).toBe("MULTIPARTY_CONFIG_INVALID");
    expect(refusedWith(() => new Replica({ ...config, matcher: OUTSIDER.address }, deposits))).toBe(
      "MULTIPARTY_CONFIG_INVALID",
    );
    const huge = new Map([
      ...deposits,
      [`0x${"02".padStart(64, "0")}` as Hex, { depositor: B, token: X, amount: (1n << 256n) - 100n }],
    ]);
    expect(refusedWith(() => new Replica(config, huge).state())).toBe("MULTIPARTY_MALFORMED");
  });
});

describe("signed heads: one signature covers the chain below it", () => {
  it("unsigned ops wait until a head commits to them, then enter in any order", () => {
    const w = new Writer(config, keyOf);
    const ops = [w.write(A, { kind: "deposit", token: X, amount: 100n, depositId: DEP })];
    for (let i = 0; i < 3; i++) ops.push(w.write(A, { kind: "transfer", to: B, token: X, amount: 10n }));
    const head = w.head(ops[3]!);
    const replica = new Replica(config, deposits);
    expect(ops.map((o) => replica.receive({ type: "op", op: o.op })).reverse()).toEqual([
      "buffered",
      "buffered",
      "buffered",
      "buffered",
    ]);
    expect(replica.state().evaluated).toEqual([]);
    expect(replica.receive({ type: "head", head })).toBe("added");
    expect(replica.state().evaluated).toEqual(ops.map((o) => o.id));
    expect(replica.state().balances.map((b) => [b.participant, b.free])).toEqual(
      [
        [A, 70n],
        [B, 30n],
      ].sort((x, y) => ((x[0] as string) < (y[0] as string) ? -1 : 1)),
    );
  });

  it("an unsigned op the head does not commit to (altered) never enters", () => {
    const w = new Writer(config, keyOf);
    const op = w.write(A, { kind: "deposit", token: X, amount: 100n, depositId: DEP });
    const replica = new Replica(config, deposits);
    replica.receive({ type: "head", head: w.head(op) });
    expect(replica.receive({ type: "op", op: { ...op.op, amount: 99n } as Op })).toBe("buffered");
    expect(replica.log.ops.size).toBe(0);
  });

  it("one author's signature never vouches for another's op: a prev pointing at a made-up op of B admits nothing", () => {
    const w = new Writer(config, keyOf);
    const madeUp = opBy(B);
    const madeUpId = hashOp(madeUp);
    const pointing = w.write(A, { kind: "withdraw", token: X, amount: 1n }, [], { seq: 1, prev: madeUpId });
    const replica = new Replica(config, deposits);
    replica.receive(pointing.message);
    replica.receive({ type: "head", head: w.head(pointing) });
    expect(replica.receive({ type: "op", op: madeUp })).toBe("buffered");
    expect(replica.log.ops.has(madeUpId)).toBe(false);
  });
});

describe("equivocation: two ops at one author and seq", () => {
  function forked() {
    const w = new Writer(config, keyOf);
    const base = w.write(A, { kind: "deposit", token: X, amount: 100n, depositId: DEP });
    const toB = w.write(A, { kind: "transfer", to: B, token: X, amount: 100n });
    const toM = w.write(A, { kind: "transfer", to: M, token: X, amount: 100n }, [], { seq: 1, prev: base.id });
    const later = w.write(A, { kind: "withdraw", token: X, amount: 1n }, [], { seq: 2, prev: toB.id });
    const bSpends = w.write(B, { kind: "transfer", to: M, token: X, amount: 100n }, [toB]);
    return { w, base, toB, toM, later, bSpends };
  }

  it("every replica, whatever it received first, cuts the author at the fork and exports the same evidence", () => {
    const { base, toB, toM, later, bSpends } = forked();
    const messages: Message[] = [base, toB, toM, later, bSpends].map((o) => o.message);
    const orders = [
      [0, 1, 2, 3, 4],
      [2, 4, 3, 0, 1],
      [4, 3, 1, 0, 2, 1, 4],
    ];
    const replicas = orders.map((order) => {
      const r = new Replica(config, deposits);
      for (const i of order) r.receive(messages[i]!);
      return r;
    });
    const hashes = replicas.map((r) => r.stateHash());
    expect(new Set(hashes).size).toBe(1);
    const s = replicas[0]!.state();
    expect([toB, toM, later].map((o) => s.statuses.get(o.id))).toEqual([
      { state: "cut" },
      { state: "cut" },
      { state: "cut" },
    ]);
    // B's spend leaned on A's cut transfer: judged as if B had seen A's chain only up to the fork
    expect(s.statuses.get(bSpends.id)).toEqual({ state: "invalid", reason: "insufficient-free-balance" });
    expect(s.balances.map((b) => [b.participant, b.free])).toEqual([[A, 100n]]);
    expect(s.equivocations).toHaveLength(1);
    const e = s.equivocations[0]!;
    expect([e.author, e.seq]).toEqual([A, 1]);
    expect([e.first.hash, e.second.hash]).toEqual([toB.id, toM.id].sort());
    for (const side of [e.first, e.second]) expectSlashable(side, A);
  });

  it("two signed heads at one seq are a fork too, and each side is proven by its head and the ops below it", () => {
    const w = new Writer(config, keyOf);
    const base = w.write(A, { kind: "deposit", token: X, amount: 100n, depositId: DEP });
    const one = w.write(A, { kind: "transfer", to: B, token: X, amount: 1n });
    const two = w.write(A, { kind: "transfer", to: B, token: X, amount: 2n }, [], { seq: 1, prev: base.id });
    const oneTop = w.write(A, { kind: "withdraw", token: X, amount: 1n }, [], { seq: 2, prev: one.id });
    const replica = new Replica(config, deposits);
    // ops travel unsigned; only heads carry signatures
    for (const o of [base, one, two, oneTop]) replica.receive({ type: "op", op: o.op });
    replica.receive({ type: "head", head: w.head(oneTop) });
    replica.receive({ type: "head", head: w.head(two) });
    const [e] = replica.state().equivocations;
    expect(e && [e.author, e.seq]).toEqual([A, 1]);
    const byHash = new Map([e!.first, e!.second].map((side) => [side.hash, side]));
    expect(byHash.get(one.id)!.signed.type).toBe("head");
    expect(byHash.get(one.id)!.path.map(hashOp)).toEqual([oneTop.id]);
    expect(byHash.get(two.id)!.path).toEqual([]);
    for (const side of [e!.first, e!.second]) expectSlashable(side, A);
    expect(replica.state().statuses.get(base.id)).toEqual({ state: "valid" });
  });

  it("a log without the fork shows none: equivocation is a property of what was delivered", () => {
    const { w, toM } = forked();
    const withoutFork = new OpLog(config);
    for (const [id, op] of w.log.ops) if (id !== toM.id) withoutFork.addSignedOp(op, w.log.opSignatures.get(id)!);
    const r = new Replica(config, deposits);
    r.mergeFrom(withoutFork);
    expect(r.state().equivocations).toEqual([]);
    r.mergeFrom(w.log);
    expect(r.state().equivocations).toHaveLength(1);
  });
});

/** What a contract would check before slashing: the signature is the author's and the links hold. */
function expectSlashable(side: ForkWitness, author: Address): void {
  const signed =
    side.signed.type === "op"
      ? verifyOpSignature(config.domain, side.signed.op, side.signed.signature)
      : verifyHeadSignature(config.domain, side.signed.head);
  expect(signed).toBe(true);
  expect(side.signed.type === "op" ? side.signed.op.author : side.signed.head.author).toBe(author);
  expect(witnessLinks(side)).toBe(true);
  expect(keys.some((k) => k.address === author)).toBe(true);
}
