/**
 * A broker node's append-only, hash-chained, signed log of every envelope it sent and received
 * (BROKERS.md "Disputes from logs"). Entry i holds the wire text of the envelope, whether it was
 * sent or received, and prevHash = entry i−1's entryHash (entry 0: ZERO_HASH). entryHash is the
 * EIP-712 digest of LogEntry{owner, index, prevHash, direction, envelopeHash, envelopeSignatureHash}
 * under the B2B domain, and the owner signs it. A whole log verifies when indexes run 0, 1, 2, …,
 * every entry is the owner's and every envelope its sender's, the chain is unbroken, and the
 * envelopes of each (from, to) pair carry seq 1, 2, 3, … (receivers accept no gaps, so a hole
 * there means an entry was dropped and the log rebuilt).
 *
 * Not detectable from the log alone: dropping entries at the tail (truncation). The dispute
 * counts only what both logs hold, so truncating hides a trade from both sides alike.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Address, Hex } from "viem";
import { bytesToHex, hexToBytes } from "../channel/bytes";
import { signDigest, verifyDigestSignature } from "../channel/signature";
import { ClearlineError } from "../errors";
import { decodeEnvelope, type AcceptedEnvelope } from "./envelope";
import { logEntryDigest } from "./typed-data";

export type LogDirection = "sent" | "received";

/** One logged envelope, chained to the one before and signed by the log's owner. */
export interface LogEntry {
  index: bigint;
  prevHash: Hex;
  direction: LogDirection;
  /** the envelope's wire text, exactly as sent or received */
  envelope: string;
  /** the owner's signature over entryHash */
  signature: Hex;
}

/** A node's log: whose it is, on which chain's B2B domain, and its entries in order. */
export interface B2BLog {
  owner: Address;
  chainId: bigint;
  entries: readonly LogEntry[];
}

export const ZERO_HASH: Hex = `0x${"0".repeat(64)}`;

/** Why a log is refused. */
export type LogRefusal = "FORGED" | "REORDERED" | "GAP" | "BAD_CHAIN";

/** A verified entry: its hash and its decoded, signature-checked envelope. */
export interface VerifiedEntry {
  index: bigint;
  direction: LogDirection;
  entryHash: Hex;
  accepted: AcceptedEnvelope;
}

export type LogResult =
  { ok: true; entries: VerifiedEntry[]; head: Hex } | { ok: false; refusal: LogRefusal; at: number; reason: string };

/** The entryHash of an entry in `owner`'s log on `chainId`, given its decoded envelope's digest and signature. */
export function logEntryHash(
  owner: Address,
  chainId: bigint,
  entry: LogEntry,
  envelope: { digest: Hex; signed: { signature: Hex } },
): Hex {
  return bytesToHex(
    logEntryDigest(chainId, {
      owner,
      index: entry.index,
      prevHash: entry.prevHash,
      direction: entry.direction === "sent" ? 0 : 1,
      envelopeHash: envelope.digest,
      envelopeSignatureHash: bytesToHex(keccak_256(hexToBytes(envelope.signed.signature))),
    }),
  );
}

/** Where a log ends: the next index and the last entryHash (ZERO_HASH before the first entry). */
export interface LogHead {
  nextIndex: bigint;
  head: Hex;
}

/**
 * The next entry after `at`, signed by the owner, and the new head: what a node appends to its
 * stored log (constant work per entry). Throws INVALID_INPUT unless the envelope is valid and the
 * owner's in that direction on the log's chain.
 */
export function signEntry(
  owner: Address,
  chainId: bigint,
  at: LogHead,
  direction: LogDirection,
  wire: string,
  ownerKey: Hex,
): { entry: LogEntry; next: LogHead } {
  const decoded = decodeEnvelope(wire);
  const envelope = decoded.ok ? decoded.signed.envelope : undefined;
  const party = direction === "sent" ? envelope?.from : envelope?.to;
  if (!decoded.ok || party !== owner.toLowerCase() || envelope?.chainId !== chainId)
    throw new ClearlineError("INVALID_INPUT", "not an envelope this log's owner sent or received on its chain", {
      reason: "B2B_LOG_ENTRY_INVALID",
      direction,
    });
  const unsigned = { index: at.nextIndex, prevHash: at.head, direction, envelope: wire, signature: "0x" as Hex };
  const hash = logEntryHash(owner, chainId, unsigned, decoded);
  const entry = { ...unsigned, signature: signDigest(hexToBytes(hash), ownerKey) };
  return { entry, next: { nextIndex: at.nextIndex + 1n, head: hash } };
}

/** The head of a log as it stands (re-hashes the last entry; a node keeps the head instead). */
export function logHead(log: B2BLog): LogHead {
  const last = log.entries[log.entries.length - 1];
  if (!last) return { nextIndex: 0n, head: ZERO_HASH };
  const decoded = decodeEnvelope(last.envelope);
  if (!decoded.ok) throw new TypeError("log entry with an invalid envelope");
  return { nextIndex: BigInt(log.entries.length), head: logEntryHash(log.owner, log.chainId, last, decoded) };
}

/** A copy of the log with one more entry (convenient for tests and small logs; see signEntry). */
export function appendEntry(log: B2BLog, direction: LogDirection, wire: string, ownerKey: Hex): B2BLog {
  const { entry } = signEntry(log.owner, log.chainId, logHead(log), direction, wire, ownerKey);
  return { ...log, entries: [...log.entries, entry] };
}

function indexRefusal(entries: readonly LogEntry[]): LogResult | undefined {
  for (let i = 0; i < entries.length; i++) {
    const expected = BigInt(i);
    const index = entries[i]!.index;
    if (index !== expected) {
      // the expected index further on, or an index seen again: moved; otherwise one is missing
      const moved = index < expected || entries.slice(i + 1).some((e) => e.index === expected);
      return {
        ok: false,
        refusal: moved ? "REORDERED" : "GAP",
        at: i,
        reason: `index ${index} at position ${i}`,
      };
    }
  }
  return undefined;
}

/** Verifies a whole log: indexes, the owner's signatures, the senders' signatures, the chain and each peer's seqs. */
export function verifyLog(log: B2BLog): LogResult {
  const owner = log.owner.toLowerCase();
  const byIndex = indexRefusal(log.entries);
  if (byIndex) return byIndex;
  const verified: VerifiedEntry[] = [];
  const lastSeq = new Map<string, bigint>();
  let prev = ZERO_HASH;
  for (let i = 0; i < log.entries.length; i++) {
    const entry = log.entries[i]!;
    const decoded = decodeEnvelope(entry.envelope);
    if (!decoded.ok)
      return { ok: false, refusal: "FORGED", at: i, reason: `envelope ${decoded.refusal}: ${decoded.reason}` };
    const { envelope } = decoded.signed;
    const party = entry.direction === "sent" ? envelope.from : entry.direction === "received" ? envelope.to : undefined;
    if (party !== owner || envelope.chainId !== log.chainId)
      return {
        ok: false,
        refusal: "FORGED",
        at: i,
        reason: `a ${entry.direction} envelope ${envelope.from} → ${envelope.to}`,
      };
    const hash = logEntryHash(log.owner, log.chainId, entry, decoded);
    if (!verifyDigestSignature(hexToBytes(hash), entry.signature, log.owner))
      return { ok: false, refusal: "FORGED", at: i, reason: `entry not signed by ${log.owner}` };
    if (entry.prevHash.toLowerCase() !== prev)
      return { ok: false, refusal: "BAD_CHAIN", at: i, reason: `prevHash ${entry.prevHash}, expected ${prev}` };
    const pair = `${envelope.from}>${envelope.to}`;
    const expectedSeq = (lastSeq.get(pair) ?? 0n) + 1n;
    if (envelope.seq !== expectedSeq)
      return {
        ok: false,
        refusal: envelope.seq < expectedSeq ? "REORDERED" : "GAP",
        at: i,
        reason: `seq ${envelope.seq} from ${envelope.from} to ${envelope.to}, expected ${expectedSeq}`,
      };
    lastSeq.set(pair, envelope.seq);
    verified.push({ index: entry.index, direction: entry.direction, entryHash: hash, accepted: decoded });
    prev = hash;
  }
  return { ok: true, entries: verified, head: prev };
}
