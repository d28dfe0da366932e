import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RpcKind } from "../clearing";
import { A, B, CHAIN_ID, MALLORY, order } from "./keys.test-util";
import { appendEntry, logHead, signEntry, verifyLog, ZERO_HASH, type B2BLog, type LogEntry } from "./log";
import { conversation } from "./session.test-util";

/** A's log of a conversation with B: orders out, notifications in, then `extra` more of each. */
function buildLog(extra = 0): { log: B2BLog; wires: string[] } {
  const { send } = conversation();
  let log: B2BLog = { owner: A.address, chainId: CHAIN_ID, entries: [] };
  const wires: string[] = [];
  for (let i = 0; i < 4 + extra; i++) {
    const out = send(A, B, RpcKind.createRemoteOrder, order(`o-${i}`)).wire;
    const back = send(B, A, RpcKind.notifyOrderUpdate, {
      orderId: `o-${i}`,
      update: "accepted",
      remainingBase: 1n,
    }).wire;
    log = appendEntry(log, "sent", out, A.privateKey);
    log = appendEntry(log, "received", back, A.privateKey);
    wires.push(out, back);
  }
  return { log, wires };
}

const { log: LOG } = buildLog();
const N = LOG.entries.length;
// a validly signed fork of the same owner: same first entries, then other envelopes
const FORK = (() => {
  const { send } = conversation();
  let log: B2BLog = { owner: A.address, chainId: CHAIN_ID, entries: [] };
  for (let i = 0; i < N; i++)
    log = appendEntry(log, "sent", send(A, B, RpcKind.createRemoteOrder, order(`fork-${i}`)).wire, A.privateKey);
  return log;
})();
const with_ = (entries: LogEntry[]): B2BLog => ({ ...LOG, entries });

describe("log", () => {
  it("a log built by appending verifies, chained from ZERO_HASH, and appending refuses foreign envelopes", () => {
    const result = verifyLog(LOG);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.entries).toHaveLength(N);
    expect(LOG.entries[0]!.prevHash).toBe(ZERO_HASH);
    expect(LOG.entries[1]!.prevHash).toBe(result.entries[0]!.entryHash);
    expect(result.head).toBe(result.entries[N - 1]!.entryHash);
    const { send } = conversation();
    const notMine = send(B, MALLORY, RpcKind.createRemoteOrder, order("x")).wire;
    expect(() => appendEntry(LOG, "received", notMine, A.privateKey)).toThrow(/not an envelope/);
    expect(() => appendEntry(LOG, "sent", LOG.entries[1]!.envelope, A.privateKey)).toThrow(/not an envelope/);
  });

  it("signEntry from a kept head builds the same log as appending, one entry at a time", () => {
    const { wires } = buildLog();
    let at = { nextIndex: 0n, head: ZERO_HASH as `0x${string}` };
    const entries: LogEntry[] = [];
    wires.forEach((w, i) => {
      const { entry, next } = signEntry(A.address, CHAIN_ID, at, i % 2 === 0 ? "sent" : "received", w, A.privateKey);
      entries.push(entry);
      at = next;
    });
    const log = { owner: A.address, chainId: CHAIN_ID, entries };
    const result = verifyLog(log);
    expect(result.ok && result.head).toBe(at.head);
    expect(logHead(log)).toEqual(at);
  });

  it("names each refusal: a forged entry, a swap, a removal, a fork spliced in", () => {
    const entries = [...LOG.entries];
    const refusal = (e: LogEntry[]) => {
      const r = verifyLog(with_(e));
      return r.ok ? "ok" : `${r.refusal}@${r.at}`;
    };
    // the last entry re-signed with another key than the owner's
    const resigned = appendEntry(
      with_(entries.slice(0, N - 1)),
      "received",
      entries[N - 1]!.envelope,
      MALLORY.privateKey,
    );
    expect(refusal([...resigned.entries])).toBe(`FORGED@${N - 1}`);
    expect(refusal([{ ...entries[0]!, signature: LOG.entries[2]!.signature }, ...entries.slice(1)])).toBe("FORGED@0");
    expect(refusal([entries[0]!, entries[2]!, entries[1]!, ...entries.slice(3)])).toBe("REORDERED@1");
    expect(refusal([entries[0]!, ...entries.slice(2)])).toBe("GAP@1");
    // the owner signed two histories: entries of the fork at the right index break the chain
    expect(refusal([entries[0]!, FORK.entries[1]!, ...entries.slice(2)])).toBe("BAD_CHAIN@1");
  });

  it("a log the owner rebuilt without one received envelope is refused: the peer's seqs have a hole", () => {
    const { log, wires } = buildLog();
    let rebuilt: B2BLog = { ...log, entries: [] };
    wires.forEach((w, i) => {
      if (i !== 3) rebuilt = appendEntry(rebuilt, i % 2 === 0 ? "sent" : "received", w, A.privateKey);
    });
    const result = verifyLog(rebuilt);
    expect(result.ok ? "ok" : result.refusal).toBe("GAP");
  });

  it("detects any single modification, removal, swap or insertion (fast-check)", () => {
    const field = fc.constantFrom("index", "prevHash", "direction", "envelope", "signature");
    const mutation = fc.oneof(
      fc.record({
        op: fc.constant("modify" as const),
        at: fc.nat(N - 1),
        field,
        pick: fc.nat(N - 1),
        bump: fc.bigInt({ min: 1n, max: 5n }),
      }),
      // the last entry's removal is a truncation, which a log alone cannot show (see log.ts)
      fc.record({ op: fc.constant("remove" as const), at: fc.nat(N - 2) }),
      fc
        .record({ op: fc.constant("swap" as const), at: fc.nat(N - 1), other: fc.nat(N - 1) })
        .filter((m) => m.at !== m.other),
      fc.record({ op: fc.constant("insert" as const), at: fc.nat(N - 1), pick: fc.nat(N - 1), fromFork: fc.boolean() }),
    );
    fc.assert(
      fc.property(mutation, (m) => {
        const entries = [...LOG.entries];
        if (m.op === "remove") entries.splice(m.at, 1);
        else if (m.op === "swap") [entries[m.at], entries[m.other]] = [entries[m.other]!, entries[m.at]!];
        else if (m.op === "insert") {
          const source = m.fromFork ? FORK.entries[m.pick]! : LOG.entries[m.pick]!;
          entries.splice(m.at, 0, { ...source, index: BigInt(m.at) });
        } else {
          const e = entries[m.at]!;
          const other = LOG.entries[m.pick === m.at ? (m.at + 1) % N : m.pick]!;
          const changed: LogEntry =
            m.field === "index"
              ? { ...e, index: e.index + m.bump }
              : m.field === "direction"
                ? { ...e, direction: e.direction === "sent" ? "received" : "sent" }
                : m.field === "prevHash"
                  ? { ...e, prevHash: other.prevHash === e.prevHash ? `0x${"1".repeat(64)}` : other.prevHash }
                  : { ...e, [m.field]: other[m.field] };
          entries[m.at] = changed;
        }
        const result = verifyLog(with_(entries));
        expect(result.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
