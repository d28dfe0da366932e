/**
 * Equivocation evidence: two different things an author signed for one seq. Each side is a hash
 * at the fork seq and something the author signed that commits to it — the op's own signature,
 * or a signed head (or signed later op) plus the ops linking it down by prev. A contract checks
 * the signature, walks `path` (each op's prev is the hash of the one before; the first's prev
 * is `hash`) and slashes when both sides hold.
 */
import type { Address, Hex } from "viem";
import { hashOp } from "./encode";
import type { OpLog } from "./log";
import type { Op, SignedHead } from "./types";

export interface ForkWitness {
  /** the author's op hash at the fork seq */
  hash: Hex;
  /** that op, when the log holds it */
  op?: Op;
  /** what the author signed that commits to `hash` */
  signed: { type: "op"; op: Op; signature: Hex } | { type: "head"; head: SignedHead };
  /** ops above the fork seq up to the signed item (ascending seq), linking it down to `hash` */
  path: Op[];
}

/** Two different items one author signed for one seq (the two smallest hashes there). */
export interface Equivocation {
  author: Address;
  seq: number;
  first: ForkWitness;
  second: ForkWitness;
}

/** The evidence of `author`'s fork at `seq`, where the log holds the (≥ 2) hashes `ids`. */
export function forkWitnesses(log: OpLog, author: Address, seq: number, ids: ReadonlySet<Hex>): Equivocation {
  const [a, b] = [...ids].sort();
  return { author, seq, first: witness(log, author, seq, a!), second: witness(log, author, seq, b!) };
}

/** The shortest signed commitment to `hash` in the log: ties by seq, then hash or signature. */
function witness(log: OpLog, author: Address, seq: number, hash: Hex): ForkWitness {
  const op = log.ops.get(hash);
  const ownSignature = log.opSignatures.get(hash);
  if (op && ownSignature) return { hash, op, signed: { type: "op", op, signature: ownSignature }, path: [] };
  const heads = [...log.heads.values()]
    .filter((h) => h.author === author && h.seq >= seq)
    .sort((x, y) => x.seq - y.seq || cmp(x.head, y.head));
  const signedOps = [...log.opSignatures.entries()]
    .map(([id, signature]) => ({ id, signature, op: log.ops.get(id)! }))
    .filter((s) => s.op.author === author && s.op.seq > seq)
    .sort((x, y) => x.op.seq - y.op.seq || cmp(x.id, y.id));
  type Candidate = { seq: number; top: Hex; signed: ForkWitness["signed"] };
  const candidates: Candidate[] = [
    ...heads.map((head) => ({ seq: head.seq, top: head.head, signed: { type: "head" as const, head } })),
    ...signedOps.map((s) => ({
      seq: s.op.seq,
      top: s.id,
      signed: { type: "op" as const, op: s.op, signature: s.signature },
    })),
  ].sort((x, y) => x.seq - y.seq || cmp(x.top, y.top));
  for (const candidate of candidates) {
    const path = linkDown(log, author, candidate.top, candidate.seq, seq, hash);
    if (path) return { hash, ...(op ? { op } : {}), signed: candidate.signed, path };
  }
  // unreachable for a log built by OpLog: every hash in it is committed to by a signed item
  throw new Error(`no signed commitment to ${hash} in the log`);
}

/** The ops from seq + 1 up to `top` (at `topSeq`) if their prev links lead down to `hash`. */
function linkDown(log: OpLog, author: Address, top: Hex, topSeq: number, seq: number, hash: Hex): Op[] | undefined {
  const path: Op[] = [];
  let at = top;
  for (let s = topSeq; s > seq; s--) {
    const op = log.ops.get(at);
    if (!op || op.seq !== s || op.author !== author) return undefined;
    path.push(op);
    at = op.prev;
  }
  return at === hash ? path.reverse() : undefined;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Checks a witness's links (not its signature): path ops chain down to `hash` by prev. */
export function witnessLinks(w: ForkWitness): boolean {
  let below = w.hash;
  for (const op of w.path) {
    if (op.prev !== below) return false;
    below = hashOp(op);
  }
  const top = w.signed.type === "head" ? w.signed.head.head : hashOp(w.signed.op);
  return below === top;
}
