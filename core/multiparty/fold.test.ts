import type { Address, Hex } from "viem";
import { describe, expect, it } from "vitest";
import { testChannel } from "./keys.test-util";
import type { MultipartyState } from "./state";
import type { OnChainDeposit } from "./types";
import { Writer, type Written } from "./writer.test-util";

const { config, keyOf, matcher } = testChannel(3);
const M = matcher.address;
const [A, B] = config.participants.filter((p) => p !== M) as [Address, Address];
const X: Address = "0x1111111111111111111111111111111111111111";
const Y: Address = "0x2222222222222222222222222222222222222222";
const MARKET: Hex = `0x${"4d".repeat(32)}`;
const id = (n: number): Hex => `0x${n.toString(16).padStart(64, "0")}`;
const deposits = new Map<Hex, OnChainDeposit>([
  [id(1), { depositor: A, token: X, amount: 100n }],
  [id(2), { depositor: B, token: Y, amount: 50n }],
  [id(3), { depositor: A, token: X, amount: 7n }],
]);

function setup() {
  const w = new Writer(config, keyOf);
  const aIn = w.write(A, { kind: "deposit", token: X, amount: 100n, depositId: id(1) });
  const bIn = w.write(B, { kind: "deposit", token: Y, amount: 50n, depositId: id(2) });
  return { w, aIn, bIn };
}
const status = (s: MultipartyState, op: Written) => s.statuses.get(op.id);
const bal = (s: MultipartyState, who: Address, token: Address) => {
  const b = s.balances.find((e) => e.participant === who && e.token === token);
  return [b?.free ?? 0n, b?.locked ?? 0n];
};

describe("deposits", () => {
  it.each([
    ["an on-chain deposit of the author", A, id(1), X, 100n, undefined],
    ["an unknown id", A, id(9), X, 100n, "deposit-unknown"],
    ["someone else's deposit", B, id(1), X, 100n, "deposit-mismatch"],
    ["another amount", A, id(1), X, 101n, "deposit-mismatch"],
    ["another token", A, id(1), Y, 100n, "deposit-mismatch"],
  ] as const)("%s", (_, author, depositId, token, amount, reason) => {
    const w = new Writer(config, keyOf);
    const op = w.write(author, { kind: "deposit", token, amount, depositId });
    const s = w.fold(deposits);
    expect(status(s, op)).toEqual(reason ? { state: "invalid", reason } : { state: "valid" });
    expect(s.totals).toEqual(reason ? [] : [{ token: X, deposited: 100n, withdrawn: 0n }]);
  });

  it("known deposits may come with checksummed addresses and upper-case ids", () => {
    const w = new Writer(config, keyOf);
    const op = w.write(A, { kind: "deposit", token: X, amount: 100n, depositId: id(1) });
    const shouting = new Map([
      [
        id(1).toUpperCase().replace("0X", "0x") as Hex,
        { depositor: A.toUpperCase().replace("0X", "0x") as Address, token: X, amount: 100n },
      ],
    ]);
    expect(status(w.fold(shouting), op)).toEqual({ state: "valid" });
  });

  it("credits one on-chain deposit once, however often it is cited", () => {
    const { w, aIn } = setup();
    const again = w.write(A, { kind: "deposit", token: X, amount: 100n, depositId: id(1) });
    const s = w.fold(deposits);
    expect(status(s, aIn)).toEqual({ state: "valid" });
    expect(status(s, again)).toEqual({ state: "invalid", reason: "deposit-reused" });
    expect(bal(s, A, X)).toEqual([100n, 0n]);
  });
});

describe("owner debits: only what the author's causal past holds", () => {
  it.each([
    ["exactly the free balance", 100n, undefined],
    ["one more than the free balance", 101n, "insufficient-free-balance"],
  ] as const)("transfer of %s", (_, amount, reason) => {
    const { w } = setup();
    const pay = w.write(A, { kind: "transfer", to: B, token: X, amount });
    const s = w.fold(deposits);
    expect(status(s, pay)).toEqual(reason ? { state: "invalid", reason } : { state: "valid" });
    expect(bal(s, B, X)).toEqual([reason ? 0n : amount, 0n]);
  });

  it("a credit the author had not seen does not cover a debit, even once everyone has both", () => {
    const { w, aIn } = setup();
    const toB = w.write(A, { kind: "transfer", to: B, token: X, amount: 60n });
    const blind = w.write(B, { kind: "transfer", to: M, token: X, amount: 60n }, [aIn]);
    const seen = w.write(B, { kind: "transfer", to: M, token: X, amount: 60n }, [toB]);
    const s = w.fold(deposits);
    expect(status(s, blind)).toEqual({ state: "invalid", reason: "insufficient-free-balance" });
    expect(status(s, seen)).toEqual({ state: "valid" });
    expect([bal(s, A, X), bal(s, B, X), bal(s, M, X)]).toEqual([
      [40n, 0n],
      [0n, 0n],
      [60n, 0n],
    ]);
  });

  it.each([
    ["to oneself", A, "transfer-to-self"],
    ["to a non-participant", "0x9999999999999999999999999999999999999999", "recipient-not-participant"],
  ] as const)("a transfer %s is refused", (_, to, reason) => {
    const { w } = setup();
    const pay = w.write(A, { kind: "transfer", to: to as Address, token: X, amount: 1n });
    expect(status(w.fold(deposits), pay)).toEqual({ state: "invalid", reason });
  });

  it("a withdraw debits free balance and counts in the totals", () => {
    const { w } = setup();
    const out = w.write(A, { kind: "withdraw", token: X, amount: 30n });
    const over = w.write(A, { kind: "withdraw", token: X, amount: 71n });
    const s = w.fold(deposits);
    expect([status(s, out)?.state, status(s, over)]).toEqual([
      "valid",
      { state: "invalid", reason: "insufficient-free-balance" },
    ]);
    expect(s.balances.find((b) => b.participant === A)).toMatchObject({ free: 70n, withdrawn: 30n });
    expect(s.totals.find((t) => t.token === X)).toEqual({ token: X, deposited: 100n, withdrawn: 30n });
  });
});

describe("locks, fills and unlocks: the matcher is each lock's only writer", () => {
  function locked() {
    const { w, aIn, bIn } = setup();
    const aLock = w.write(A, { kind: "lock", token: X, amount: 40n, matcher: M }, [bIn]);
    const bLock = w.write(B, { kind: "lock", token: Y, amount: 20n, matcher: M }, [aIn]);
    return { w, aLock, bLock };
  }

  it("a lock moves free to locked; a lock for another matcher is refused", () => {
    const { w, aLock } = locked();
    const wrong = w.write(A, { kind: "lock", token: X, amount: 1n, matcher: B });
    const s = w.fold(deposits);
    expect(status(s, wrong)).toEqual({ state: "invalid", reason: "lock-wrong-matcher" });
    expect(bal(s, A, X)).toEqual([60n, 40n]);
    expect(s.locks.find((l) => l.id === aLock.id)).toMatchObject({ owner: A, amount: 40n, remaining: 40n });
  });

  it("a fill swaps from both locks; a second fill may not take more than is left", () => {
    const { w, aLock, bLock } = locked();
    const first = w.write(
      M,
      { kind: "fill", makerLock: aLock.id, takerLock: bLock.id, makerAmount: 30n, takerAmount: 15n },
      [aLock, bLock],
    );
    const over = w.write(M, {
      kind: "fill",
      makerLock: aLock.id,
      takerLock: bLock.id,
      makerAmount: 11n,
      takerAmount: 1n,
    });
    const rest = w.write(M, {
      kind: "fill",
      makerLock: aLock.id,
      takerLock: bLock.id,
      makerAmount: 10n,
      takerAmount: 5n,
    });
    const s = w.fold(deposits);
    expect([status(s, first), status(s, over), status(s, rest)]).toEqual([
      { state: "valid" },
      { state: "invalid", reason: "exceeds-lock" },
      { state: "valid" },
    ]);
    expect([bal(s, A, X), bal(s, A, Y), bal(s, B, X), bal(s, B, Y)]).toEqual([
      [60n, 0n],
      [20n, 0n],
      [40n, 0n],
      [30n, 0n],
    ]);
    expect(s.locks).toEqual([]);
  });

  it.each([
    ["by someone not the matcher", "not-matcher"],
    ["citing a lock the matcher had not seen", "lock-not-in-past"],
    ["citing one lock twice", "same-lock"],
  ] as const)("a fill %s is refused", (_, reason) => {
    const { w, aLock, bLock } = locked();
    const body = {
      kind: "fill" as const,
      makerLock: aLock.id,
      takerLock: reason === "same-lock" ? aLock.id : bLock.id,
      makerAmount: 1n,
      takerAmount: 1n,
    };
    const fill =
      reason === "not-matcher"
        ? w.write(A, body, [bLock])
        : w.write(M, body, reason === "lock-not-in-past" ? [aLock] : [aLock, bLock]);
    expect(status(w.fold(deposits), fill)).toEqual({ state: "invalid", reason });
  });

  it("after a cancel request the matcher has seen, the lock can be unlocked but not filled", () => {
    const { w, aLock, bLock } = locked();
    const cancel = w.write(A, { kind: "cancel", lock: aLock.id });
    const notOwner = w.write(B, { kind: "cancel", lock: aLock.id }, [aLock]);
    const fill = w.write(
      M,
      { kind: "fill", makerLock: aLock.id, takerLock: bLock.id, makerAmount: 1n, takerAmount: 1n },
      [cancel, bLock],
    );
    const byOwner = w.write(A, { kind: "unlock", lock: aLock.id, amount: 40n });
    const unlock = w.write(M, { kind: "unlock", lock: aLock.id, amount: 40n });
    const s = w.fold(deposits);
    expect([status(s, cancel), status(s, notOwner), status(s, fill), status(s, byOwner), status(s, unlock)]).toEqual([
      { state: "valid" },
      { state: "invalid", reason: "lock-not-owned" },
      { state: "invalid", reason: "lock-cancelled" },
      { state: "invalid", reason: "not-matcher" },
      { state: "valid" },
    ]);
    expect(bal(s, A, X)).toEqual([100n, 0n]);
  });
});

describe("marks and liquidation requests", () => {
  it("only the matcher marks; a request cites a mark of its market in its causal past", () => {
    const { w } = setup();
    const fake = w.write(A, { kind: "mark", market: MARKET, priceE8: 5n });
    const mark = w.write(M, { kind: "mark", market: MARKET, priceE8: 7n });
    const unseen = w.write(A, { kind: "liquidation", account: B, market: MARKET, mark: mark.id });
    const other = w.write(B, { kind: "liquidation", account: A, market: id(77), mark: mark.id }, [mark]);
    const ok = w.write(B, { kind: "liquidation", account: A, market: MARKET, mark: mark.id });
    const s = w.fold(deposits);
    expect([status(s, fake), status(s, mark), status(s, unseen), status(s, other), status(s, ok)]).toEqual([
      { state: "invalid", reason: "not-matcher" },
      { state: "valid" },
      { state: "invalid", reason: "mark-not-in-past" },
      { state: "invalid", reason: "mark-other-market" },
      { state: "valid" },
    ]);
    expect(s.marks).toEqual([{ market: MARKET, priceE8: 7n, op: mark.id }]);
    expect(s.liquidations).toEqual([{ op: ok.id, author: B, account: A, market: MARKET, mark: mark.id }]);
  });
});

describe("what cannot be judged yet waits", () => {
  it("an op whose dependency is missing is pending, and so is the rest of its author's chain", () => {
    const { w, aIn } = setup();
    const other = new Writer(config, keyOf);
    const unseen = other.write(M, { kind: "mark", market: MARKET, priceE8: 1n });
    const waits = w.write(A, { kind: "transfer", to: B, token: X, amount: 1n }, [unseen]);
    const after = w.write(A, { kind: "transfer", to: B, token: X, amount: 1n });
    const s = w.fold(deposits);
    expect([status(s, aIn), status(s, waits), status(s, after)]).toEqual([
      { state: "valid" },
      { state: "pending" },
      { state: "pending" },
    ]);
    expect(s.heads.find((h) => h.author === A)).toEqual({ author: A, count: 1, head: aIn.id });
    w.log.mergeFrom(other.log);
    expect(w.fold(deposits).statuses.get(after.id)).toEqual({ state: "valid" });
  });

  it("a gap in a chain holds back what follows it", () => {
    const { w, aIn } = setup();
    const gap = new Writer(config, keyOf);
    gap.write(A, { kind: "deposit", token: X, amount: 100n, depositId: id(1) });
    const skipped = gap.write(A, { kind: "deposit", token: X, amount: 7n, depositId: id(3) });
    const after = w.write(A, { kind: "withdraw", token: X, amount: 107n }, [], { seq: 2, prev: skipped.id });
    const s = w.fold(deposits);
    expect([status(s, aIn), status(s, after)]).toEqual([{ state: "valid" }, { state: "pending" }]);
    w.log.mergeFrom(gap.log);
    const full = w.fold(deposits);
    expect([status(full, skipped), status(full, after)]).toEqual([{ state: "valid" }, { state: "valid" }]);
  });
});
