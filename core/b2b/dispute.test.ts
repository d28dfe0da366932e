import { describe, expect, it } from "vitest";
import { hexToBytes } from "../channel/bytes";
import { signDigest } from "../channel/signature";
import { signState } from "../channel";
import { Intent, type ChannelDomain, type ChannelState } from "../channel/types";
import { DEFAULT_THRESHOLDS, hashB2BAppData, RpcKind, type B2BAppData } from "../clearing";
import type { CreateRemoteOrder } from "./bodies";
import { decideDispute, decisionHash, type DisputeInput } from "./dispute";
import { encodeEnvelope, envelopeHash, type Envelope } from "./envelope";
import { A, B, CHAIN_ID, ETH, NOW_MS, order, USDC } from "./keys.test-util";
import { appendEntry, logEntryHash, verifyLog, type B2BLog, type LogEntry } from "./log";
import { conversation } from "./session.test-util";

const ETH_1 = 10n ** 18n;
const DOMAIN: ChannelDomain = { chainId: 31337, verifyingContract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" };
const V = 3n;

/** The latest co-signed state: version 3, B owes A 50 USDC from earlier trades. */
function cosigned(): Pick<DisputeInput, "domain" | "pair" | "state" | "signatures" | "appData"> {
  const appData: B2BAppData = {
    thresholds: DEFAULT_THRESHOLDS,
    bu: [],
    oos: [],
    cl: [],
    liabilities: [{ chainId: CHAIN_ID, token: USDC.token, debtor: B.address, amount: 50_000_000n }],
    marks: [],
    rpc: [],
  };
  const state: ChannelState = {
    channelId: `0x${"ab".repeat(32)}`,
    version: V,
    intent: Intent.OPERATE,
    allocations: [{ token: USDC.token, traderAmount: 1_000_000_000n, exchangeAmount: 1_000_000_000n }],
    appDataHash: hashB2BAppData(appData),
  };
  return {
    domain: DOMAIN,
    pair: { a: A.address, b: B.address },
    state,
    signatures: { a: signState(DOMAIN, state, A.privateKey), b: signState(DOMAIN, state, B.privateKey) },
    appData,
  };
}

type Party = typeof A;
const fill = (orderId: string, tradeId: string, baseAmount: bigint, quoteAmount: bigint, stateVersion: bigint) => ({
  orderId,
  update: "fill" as const,
  tradeId,
  baseAmount,
  quoteAmount,
  remainingBase: 0n,
  stateVersion,
});

/**
 * The conversation after which B stops co-signing: A buys on B's book (one fill stamped before
 * v, covered by the state; one after v, sent twice; one outside A's limit; one B sent that never
 * reached A), B sells on A's book (after v), and an order nobody matched.
 */
function scenario() {
  const { send } = conversation();
  let logA: B2BLog = { owner: A.address, chainId: CHAIN_ID, entries: [] };
  let logB: B2BLog = { owner: B.address, chainId: CHAIN_ID, entries: [] };
  const deliver = <K extends RpcKind>(
    from: Party,
    to: Party,
    kind: K,
    body: Parameters<typeof send<K>>[3],
    arrives = true,
  ) => {
    const { wire } = send(from, to, kind, body);
    const [sender, receiver] = from === A ? ["A", "B"] : ["B", "A"];
    const append = (who: string, direction: "sent" | "received") => {
      if (who === "A") logA = appendEntry(logA, direction, wire, A.privateKey);
      else logB = appendEntry(logB, direction, wire, B.privateKey);
    };
    append(sender!, "sent");
    if (arrives) append(receiver!, "received");
  };
  const buy = (id: string) => order(id, ETH_1 / 10n, 200_000_000n); // 0.1 ETH for at most 200 USDC
  deliver(A, B, RpcKind.createRemoteOrder, buy("o-1"));
  deliver(B, A, RpcKind.notifyOrderUpdate, fill("o-1", "t-1", ETH_1 / 10n, 190_000_000n, V - 1n));
  deliver(A, B, RpcKind.createRemoteOrder, buy("o-2"));
  deliver(B, A, RpcKind.notifyOrderUpdate, fill("o-2", "t-2", ETH_1 / 20n, 99_000_000n, V));
  deliver(B, A, RpcKind.notifyOrderUpdate, fill("o-2", "t-2", ETH_1 / 20n, 99_000_000n, V)); // sent again
  deliver(A, B, RpcKind.createRemoteOrder, buy("o-3"));
  deliver(B, A, RpcKind.notifyOrderUpdate, fill("o-3", "t-3", ETH_1 / 10n, 201_000_000n, V)); // above A's limit
  const sell: CreateRemoteOrder = { ...order("b-1", ETH_1, 1_900_000_000n), side: "sell" };
  deliver(B, A, RpcKind.createRemoteOrder, sell);
  deliver(A, B, RpcKind.notifyOrderUpdate, fill("b-1", "t-9", ETH_1 / 2n, 1_000_000_000n, V));
  deliver(A, B, RpcKind.createRemoteOrder, buy("o-4")); // never matched
  deliver(A, B, RpcKind.createRemoteOrder, buy("o-5"));
  deliver(B, A, RpcKind.notifyOrderUpdate, fill("o-5", "t-5", ETH_1 / 10n, 180_000_000n, V), false); // lost: only in B's log
  return { logA, logB };
}

const { logA: LOG_A, logB: LOG_B } = scenario();
const input = (logs: B2BLog[]): DisputeInput => ({ ...cosigned(), logs, refusedBy: B.address });

describe("dispute decision", () => {
  it("replays each trade after v held by both logs exactly once and nets it onto the state's liabilities", () => {
    const decision = decideDispute({ ...input([LOG_A, LOG_B]), evidence: "bothLogs" });
    expect(decision.channelId).toBe(`0x${"ab".repeat(32)}`);
    expect(decision.fromVersion).toBe(V);
    expect(decision.trades).toEqual([`${A.address}:t-9`, `${B.address}:t-2`].sort());
    // t-2: A buys 0.05 ETH for 99 USDC; t-9: B sells 0.5 ETH to A for 1,000 USDC; before: B owes A 50 USDC
    // ETH: B owes A 0.55; USDC: A owes B 99 + 1000 − 50 = 1049
    expect(decision.liabilities).toEqual([
      { chainId: CHAIN_ID, token: ETH.token, debtor: B.address, amount: (ETH_1 * 55n) / 100n },
      { chainId: CHAIN_ID, token: USDC.token, debtor: A.address, amount: 1_049_000_000n },
    ]);
    expect(decision.excluded).toEqual([
      { trade: `${B.address}:t-3`, reason: "OUTSIDE_LIMIT" },
      { trade: `${B.address}:t-5`, reason: "MATCH_IN_ONE_LOG" },
    ]);
    // B refused and owes 0.55 ETH more than in the state; A's new USDC debt is not B's shortfall
    expect(decision.guilty).toBe(B.address);
    expect(decision.shortfall).toEqual([
      { chainId: CHAIN_ID, token: ETH.token, debtor: B.address, amount: (ETH_1 * 55n) / 100n },
    ]);
    expect(decision.refusedLogs).toEqual([]);
  });

  it("under bothLogs, does not count a trade whose match one log lacks", () => {
    const decision = decideDispute({ ...input([LOG_A, LOG_B]), refusedBy: A.address, evidence: "bothLogs" });
    expect(decision.trades).not.toContain(`${B.address}:t-5`);
    // A owes 1,049 USDC where it was owed 50: all 1,049 is beyond the state
    expect(decision.shortfall).toEqual([
      { chainId: CHAIN_ID, token: USDC.token, debtor: A.address, amount: 1_049_000_000n },
    ]);
    expect(decision.guilty).toBe(A.address);
  });

  it("the decision and its hash are the same for the logs in any order, and change with the evidence", () => {
    const one = decideDispute(input([LOG_A, LOG_B]));
    const other = decideDispute(input([LOG_B, LOG_A]));
    expect(other).toEqual(one);
    expect(decisionHash(other)).toBe(decisionHash(one));
    expect(decisionHash(one)).toMatch(/^0x[0-9a-f]{64}$/);
    // under bothLogs, B's log without its last entry (t-5 was never delivered anyway) decides the same
    const strict = decideDispute({ ...input([LOG_A, LOG_B]), evidence: "bothLogs" });
    const truncated = { ...LOG_B, entries: LOG_B.entries.slice(0, -1) };
    const same = decideDispute({ ...input([LOG_A, truncated]), evidence: "bothLogs" });
    expect(same.trades).toEqual(strict.trades);
    expect(same.excluded).toHaveLength(1);
    expect(decisionHash(same)).not.toBe(decisionHash(strict));
  });

  it("refuses a log carrying a forged match: its owner is guilty, the forged trade is not counted", () => {
    // A appends a "received" fill from B that A signed itself (a trade at a price B never agreed)
    const forged: Envelope<5> = {
      from: B.address,
      to: A.address,
      chainId: CHAIN_ID,
      seq: 6n,
      kind: RpcKind.notifyOrderUpdate,
      sentAtMs: NOW_MS + 1_000n,
      body: fill("o-4", "t-4", ETH_1 / 10n, 1n, V),
    };
    const forgedSignature = signDigest(hexToBytes(envelopeHash(forged)), A.privateKey);
    const forgedWire = encodeEnvelope({ envelope: forged, signature: forgedSignature });
    const prev = LOG_A.entries.length;
    const head = verifyLog(LOG_A);
    if (!head.ok) throw new Error("A's log should verify");
    // chained and signed by A as a real entry would be: only the envelope's signature is forged
    const unsigned: LogEntry = {
      index: BigInt(prev),
      prevHash: head.head,
      direction: "received",
      envelope: forgedWire,
      signature: "0x",
    };
    const entryHash = logEntryHash(A.address, CHAIN_ID, unsigned, {
      digest: envelopeHash(forged),
      signed: { signature: forgedSignature },
    });
    const entry: LogEntry = { ...unsigned, signature: signDigest(hexToBytes(entryHash), A.privateKey) };
    const forgedLog: B2BLog = { ...LOG_A, entries: [...LOG_A.entries, entry] };
    const decision = decideDispute(input([forgedLog, LOG_B]));
    expect(decision.refusedLogs).toEqual([{ owner: A.address, refusal: `FORGED at ${prev}` }]);
    expect(decision.guilty).toBe(A.address);
    expect(decision.trades).not.toContain(`${B.address}:t-4`);
    // the valid log alone is the evidence: B's own log holds its sent t-5
    expect(decision.trades).toContain(`${B.address}:t-5`);
  });

  it("a broker that truncates its log hides later trades under bothLogs, not under eitherLog (the default)", () => {
    // B cuts its log back to before t-2's fill: a valid, shorter log
    const cut = LOG_B.entries.findIndex((e) => e.envelope.includes('"tradeId":"t-2"'));
    const truncated = { ...LOG_B, entries: LOG_B.entries.slice(0, cut) };
    const both = decideDispute({ ...input([LOG_A, truncated]), evidence: "bothLogs" });
    expect(both.refusedLogs).toEqual([]);
    expect(both.trades).toEqual([]);
    expect(both.guilty).toBeNull();
    expect(both.shortfall).toEqual([]);
    // every trade both logs held before the cut still counts: A's log proves them
    const either = decideDispute(input([LOG_A, truncated]));
    expect(either.trades).toEqual(decideDispute({ ...input([LOG_A, LOG_B]), evidence: "bothLogs" }).trades);
    expect(either.guilty).toBe(B.address);
  });

  it("refuses a reordered log: its owner is guilty whoever stopped signing", () => {
    const entries = [...LOG_B.entries];
    [entries[2], entries[3]] = [entries[3]!, entries[2]!];
    const decision = decideDispute({ ...input([LOG_A, { ...LOG_B, entries }]), refusedBy: A.address });
    expect(decision.refusedLogs).toEqual([{ owner: B.address, refusal: "REORDERED at 2" }]);
    expect(decision.guilty).toBe(B.address);
    // A's log alone: t-2 and t-9 as before; t-5 never reached A, so it is not there at all
    expect(decision.trades).toEqual([`${A.address}:t-9`, `${B.address}:t-2`].sort());
  });

  it("refuses a state not co-signed by both brokers, or app data that is not the state's", () => {
    const base = input([LOG_A, LOG_B]);
    expect(() => decideDispute({ ...base, signatures: { a: base.signatures.a, b: base.signatures.a } })).toThrow(
      /not signed by both/,
    );
    expect(() => decideDispute({ ...base, appData: { ...base.appData, liabilities: [] } })).toThrow(/appDataHash/);
    expect(() => decideDispute({ ...base, logs: [LOG_A, LOG_A] })).toThrow(/one log of each/);
  });
});
