/**
 * The op log as a grow-only set (a state-based CRDT): authenticated ops by hash, the smallest
 * valid signature seen per op, and signed heads. Merge is set union (per-op signature: the
 * smaller), so it is commutative, associative and idempotent. Everything in a log is
 * authenticated: an op enters with its author's signature, or because a signed head or a
 * signed later op of the same author commits to it through prev links.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Hex } from "viem";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToHex, hexToBytes } from "../channel/bytes";
import { refuse } from "./errors";
import { hashOp } from "./encode";
import { signOp, verifyHeadSignature, verifyOpSignature } from "./sign";
import { signature as checkSignature, validateHead, validateOp } from "./validate";
import { ZERO_HASH, type ChannelConfig, type Op, type SignedHead } from "./types";

function addressOfKey(privateKey: Hex): string {
  return bytesToHex(keccak_256(secp256k1.getPublicKey(hexToBytes(privateKey), false).subarray(1)).subarray(12));
}

const headKey = (h: SignedHead) => `${h.author}:${h.seq}:${h.head}`;

/** A channel's authenticated ops, op signatures and signed heads, as a grow-only set. */
export class OpLog {
  readonly ops = new Map<Hex, Op>();
  readonly opSignatures = new Map<Hex, Hex>();
  /** `${author}:${seq}:${head}` → the head with its smallest valid signature */
  readonly heads = new Map<string, SignedHead>();
  /** `${author}:${hash}` of ops an authenticated item of that same author commits to (a logged op's
   *  prev, a head's head): only the author's own signature speaks for the author's ops */
  private readonly covered = new Set<string>();

  constructor(readonly config: ChannelConfig) {}

  /** True when something `author` signed commits to `hash`, though the op may not be here yet. */
  covers(author: string, hash: Hex): boolean {
    return this.covered.has(`${author.toLowerCase()}:${hash.toLowerCase()}`);
  }

  /** Adds a validated op already authenticated; returns false if it was there. */
  private put(id: Hex, op: Op): boolean {
    if (this.ops.has(id)) return false;
    this.ops.set(id, op);
    if (op.prev !== ZERO_HASH) this.covered.add(`${op.author}:${op.prev}`);
    return true;
  }

  /** Adds an op with its author's signature; throws MULTIPARTY_SIGNATURE_INVALID when forged. */
  addSignedOp(raw: Op, rawSignature: Hex): { id: Hex; added: boolean } {
    const op = validateOp(raw, this.config);
    const signature = checkSignature(rawSignature);
    const id = hashOp(op);
    const known = this.opSignatures.get(id);
    if (known === signature) return { id, added: false };
    if (!verifyOpSignature(this.config.domain, op, signature))
      refuse("MULTIPARTY_SIGNATURE_INVALID", `op ${id} is not signed by its author ${op.author}`, {
        id,
        author: op.author,
      });
    if (known === undefined || signature < known) this.opSignatures.set(id, signature);
    return { id, added: this.put(id, op) };
  }

  /** Appends the key holder's own op: signs it (no need to verify what it just signed) and adds it. */
  addOwnOp(raw: Op, privateKey: Hex): { id: Hex; signature: Hex } {
    const op = validateOp(raw, this.config);
    if (addressOfKey(privateKey) !== op.author)
      refuse("MULTIPARTY_SIGNATURE_INVALID", `the key is not ${op.author}'s`, { author: op.author });
    const signature = signOp(this.config.domain, op, privateKey);
    const id = hashOp(op);
    const known = this.opSignatures.get(id);
    if (known === undefined || signature < known) this.opSignatures.set(id, signature);
    this.put(id, op);
    return { id, signature };
  }

  /** Adds an op without a signature if the log already commits to it; returns undefined when not. */
  addCoveredOp(raw: Op): { id: Hex; added: boolean } | undefined {
    const op = validateOp(raw, this.config);
    const id = hashOp(op);
    if (this.ops.has(id)) return { id, added: false };
    if (!this.covers(op.author, id)) return undefined;
    return { id, added: this.put(id, op) };
  }

  /** Adds a signed head; throws MULTIPARTY_SIGNATURE_INVALID when forged. Returns false if known. */
  addHead(raw: SignedHead): boolean {
    const head = validateHead(raw, this.config);
    const key = headKey(head);
    const known = this.heads.get(key);
    if (known && known.signature <= head.signature) return false;
    if (!verifyHeadSignature(this.config.domain, head))
      refuse("MULTIPARTY_SIGNATURE_INVALID", `head ${head.author}#${head.seq} is not signed by its author`, {
        author: head.author,
        seq: head.seq,
      });
    this.heads.set(key, head);
    this.covered.add(`${head.author}:${head.head}`);
    return !known;
  }

  /** Union with `other` (same channel), in place; both hold only authenticated items. */
  mergeFrom(other: OpLog): this {
    if (other.config.channelId !== this.config.channelId)
      refuse("MULTIPARTY_WRONG_CHANNEL", "cannot merge logs of two channels", {
        channelId: other.config.channelId,
        expected: this.config.channelId,
      });
    for (const [id, op] of other.ops) this.put(id, op);
    for (const [id, signature] of other.opSignatures) {
      const known = this.opSignatures.get(id);
      if (known === undefined || signature < known) this.opSignatures.set(id, signature);
    }
    for (const [key, head] of other.heads) {
      const known = this.heads.get(key);
      if (!known || head.signature < known.signature) this.heads.set(key, head);
      this.covered.add(`${head.author}:${head.head}`);
    }
    return this;
  }

  /** A copy sharing no mutable state. */
  clone(): OpLog {
    return new OpLog(this.config).mergeFrom(this);
  }

  /** keccak of the sorted contents: equal for equal sets, whatever the insertion order. */
  digest(): Hex {
    const parts = [
      ...[...this.ops.keys()].sort().map((id) => `o${id}${this.opSignatures.get(id) ?? ""}`),
      ...[...this.heads.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, h]) => `h${k}${h.signature}`),
    ];
    return bytesToHex(keccak_256(new TextEncoder().encode(parts.join("\n"))));
  }
}

/** The union of two logs as a new log (neither input changes). */
export function mergeLogs(a: OpLog, b: OpLog): OpLog {
  return a.clone().mergeFrom(b);
}
