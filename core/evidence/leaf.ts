/**
 * The canonical bytes of a journal entry as a leaf of the log. Entry with sequence `seq` is leaf
 * `seq − 1` (sequences are gapless from 1), and its bytes are
 *
 *     entry = uint64_be(seq) ‖ payload                      (journalLeafBytes)
 *     payload of a journal row = keccak256(command) ‖ keccak256(events)   (64 bytes)
 *
 * so a journal row's leaf is 72 bytes and its leaf hash, in Solidity, is
 * `keccak256(abi.encodePacked(bytes1(0x00), uint64(seq), keccak256(command), keccak256(events)))`.
 * `command` and `events` are the journal row's stored text (server/engine/codec.ts output) taken as
 * UTF-8 bytes exactly as stored: the leaf commits to those bytes, not to a re-encoding of the values.
 * The row's `timeMs` and `meta` are left out: replay never reads them, and the log commits to what
 * decides the exchange's state. The sequence is inside the leaf so a leaf names its own position
 * (a proof for index i must carry sequence i + 1), and its fixed width makes the split unambiguous.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import { MAX_TREE_SIZE } from "./bits";
import { evidenceFailure } from "./errors";
import { HASH_BYTES, leafHash, type Hash } from "./hash";

/** Bytes of the sequence number at the head of every leaf. */
export const SEQ_BYTES = 8;

/** A journal row as stored: its sequence and the codec text of its command and of its events. */
export interface JournalRow {
  readonly seq: bigint;
  readonly command: string | Uint8Array;
  readonly events: string | Uint8Array;
}

function checkSeq(seq: bigint): void {
  if (typeof seq !== "bigint" || seq < 1n || seq > BigInt(MAX_TREE_SIZE))
    evidenceFailure("EVIDENCE_SIZE_INVALID", `sequence ${String(seq)} is not in [1, ${MAX_TREE_SIZE}]`, {
      seq: String(seq),
    });
}

/** The leaf index of journal sequence `seq`: seq − 1. */
export function leafIndexOfSeq(seq: bigint): number {
  checkSeq(seq);
  return Number(seq - 1n);
}

/** The journal sequence of leaf `index`: index + 1. */
export function seqOfLeafIndex(index: number): bigint {
  if (!Number.isSafeInteger(index) || index < 0 || index >= MAX_TREE_SIZE)
    evidenceFailure("EVIDENCE_INDEX_OUT_OF_RANGE", `leaf index ${index} is out of range`, { index });
  return BigInt(index) + 1n;
}

/** uint64_be(seq) ‖ payload: the leaf bytes of any entry given its sequence and payload bytes. */
export function journalLeafBytes(seq: bigint, payload: Uint8Array): Uint8Array {
  checkSeq(seq);
  const out = new Uint8Array(SEQ_BYTES + payload.length);
  new DataView(out.buffer).setBigUint64(0, seq, false);
  out.set(payload, SEQ_BYTES);
  return out;
}

const utf8 = new TextEncoder();
const bytesOf = (text: string | Uint8Array) => (typeof text === "string" ? utf8.encode(text) : text);

/** keccak256(command) ‖ keccak256(events): the 64-byte payload of a journal row. */
export function journalRowPayload(row: JournalRow): Uint8Array {
  const out = new Uint8Array(2 * HASH_BYTES);
  out.set(keccak_256(bytesOf(row.command)), 0);
  out.set(keccak_256(bytesOf(row.events)), HASH_BYTES);
  return out;
}

/** The 72 leaf bytes of a journal row. */
export function journalRowLeaf(row: JournalRow): Uint8Array {
  return journalLeafBytes(row.seq, journalRowPayload(row));
}

/** The leaf hash of a journal row: keccak256(0x00 ‖ journalRowLeaf(row)). */
export function journalRowLeafHash(row: JournalRow): Hash {
  return leafHash(journalRowLeaf(row));
}
