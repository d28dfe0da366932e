/**
 * The signed envelope every broker-to-broker call travels in: `{ from, to, chainId, seq, kind,
 * sentAtMs, body }` signed by `from` (EIP-712 Envelope over keccak256 of the body's canonical
 * bytes). The wire form is the canonical JSON of the envelope plus `signature`; the receiver
 * checks it with `verifyEnvelope` and gets a typed result, never an exception.
 *
 * Sequencing: each sender numbers its envelopes to one peer 1, 2, 3, … with no gaps, and the
 * receiver accepts exactly lastSeq + 1. A seq at or below lastSeq is REPLAYED, one above
 * lastSeq + 1 is OUT_OF_ORDER (the sender must retransmit in order). No gaps means the receiver's
 * log holds every envelope the peer sent it, so a hole in a log shows that entries were dropped.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Address, Hex } from "viem";
import { RPC_KIND_COUNT, type RpcKind } from "../clearing";
import { ClearlineError } from "../errors";
import { bytesToHex } from "../channel/bytes";
import { signDigest, verifyDigestSignature } from "../channel/signature";
import { readBody, type RpcBodies } from "./bodies";
import { canonicalBytes, canonicalJson, parseCanonicalJson, type CanonicalValue } from "./canonical";
import { address, int, MalformedField, record, signatureHex, uint } from "./fields";
import { envelopeDigest } from "./typed-data";

/** An RPC call between two broker nodes, before or after signing. */
export interface Envelope<K extends RpcKind = RpcKind> {
  from: Address;
  to: Address;
  chainId: bigint;
  /** 1 for the first envelope `from` sends `to`, then +1 each, no gaps */
  seq: bigint;
  kind: K;
  /** the sender's clock, unix ms */
  sentAtMs: bigint;
  body: RpcBodies[K];
}

/** An envelope with its sender's 65-byte signature (low s, v 27/28). */
export interface SignedEnvelope<K extends RpcKind = RpcKind> {
  envelope: Envelope<K>;
  signature: Hex;
}

/** The largest canonical body accepted per kind: seed 000's typical size × ~10 (snapshot: 64 KiB). */
export const MAX_BODY_BYTES: readonly number[] = Object.freeze([65_536, 1_024, 1_024, 1_024, 1_024, 1_024]);
/** The largest wire envelope: the largest body plus room for the header and signature. */
export const MAX_WIRE_BYTES = 65_536 + 1_024;

/** Why a receiver refuses an envelope. */
export type EnvelopeRefusal =
  "MALFORMED" | "OVERSIZED" | "WRONG_CHAIN" | "WRONG_PEER" | "BAD_SIGNATURE" | "REPLAYED" | "OUT_OF_ORDER" | "STALE";

/** What the receiver knows when an envelope arrives; the clock is passed in. */
export interface ReceiverContext {
  self: Address;
  /** the only sender this session accepts */
  peer: Address;
  chainId: bigint;
  /** the seq of the last envelope accepted from `peer` (0 before the first) */
  lastSeq: bigint;
  nowMs: bigint;
  /** how far `sentAtMs` may be from `nowMs`, either way */
  maxSkewMs: bigint;
}

/** An envelope that passed: typed, with its canonical body size (what is metered) and its digest. */
export interface AcceptedEnvelope<K extends RpcKind = RpcKind> {
  ok: true;
  signed: SignedEnvelope<K>;
  bodyBytes: number;
  digest: Hex;
}
export type EnvelopeResult = AcceptedEnvelope | { ok: false; refusal: EnvelopeRefusal; reason: string };

const utf8 = new TextEncoder();
const toCanonical = (value: unknown) => value as CanonicalValue;

/** The canonical bytes of an envelope's body (what bodyHash hashes and metering counts). */
export function envelopeBodyBytes(envelope: Envelope): Uint8Array {
  return canonicalBytes(toCanonical(envelope.body));
}

/** The EIP-712 digest the sender signs (binds chain, peers, seq, kind, time and the body bytes). */
export function envelopeHash(envelope: Envelope): Hex {
  return bytesToHex(digestOf(envelope, envelopeBodyBytes(envelope)));
}

function digestOf(envelope: Envelope, body: Uint8Array): Uint8Array {
  return envelopeDigest(envelope.chainId, {
    from: envelope.from,
    to: envelope.to,
    seq: envelope.seq,
    kind: envelope.kind,
    sentAtMs: envelope.sentAtMs,
    bodyHash: bytesToHex(keccak_256(body)),
  });
}

type Header = Omit<Envelope, "body"> & { body: unknown };

function readHeader(value: unknown): { header: Header; signature: Hex } {
  const r = record(value, "envelope", ["from", "to", "chainId", "seq", "kind", "sentAtMs", "body", "signature"], []);
  return {
    header: {
      from: address(r.from, "from"),
      to: address(r.to, "to"),
      chainId: uint(r.chainId, "chainId", 64, 1n),
      seq: uint(r.seq, "seq", 64, 1n),
      kind: int(r.kind, "kind", 0, RPC_KIND_COUNT - 1) as RpcKind,
      sentAtMs: uint(r.sentAtMs, "sentAtMs", 64),
      body: r.body,
    },
    signature: signatureHex(r.signature, "signature"),
  };
}

/** Checks an envelope's shape and size without any receiver context; throws MalformedField or RangeError. */
function checked(value: unknown): { signed: SignedEnvelope; body: Uint8Array } {
  const { header, signature } = readHeader(value);
  const body = canonicalBytes(toCanonical(header.body));
  if (body.length > MAX_BODY_BYTES[header.kind]!)
    throw new RangeError(`kind ${header.kind} body is ${body.length} bytes, at most ${MAX_BODY_BYTES[header.kind]}`);
  const read = readBody(header.kind, header.body);
  if (!read.ok) throw new MalformedField("body", read.reason);
  return { signed: { envelope: { ...header, body: read.body } as Envelope, signature }, body };
}

/** Signs an envelope as `privateKey`'s owner (who must be `from`); throws INVALID_INPUT if it is malformed. */
export function signEnvelope<K extends RpcKind>(envelope: Envelope<K>, privateKey: Hex): SignedEnvelope<K> {
  let body: Uint8Array;
  try {
    body = checked({ ...envelope, signature: "0x" + "0".repeat(130) }).body;
  } catch (error) {
    throw new ClearlineError("INVALID_INPUT", `envelope not sendable: ${(error as Error).message}`, {
      reason: "B2B_ENVELOPE_INVALID",
    });
  }
  return { envelope, signature: signDigest(digestOf(envelope, body), privateKey) };
}

/** The wire text of a signed envelope: canonical JSON of the envelope fields plus `signature`. */
export function encodeEnvelope(signed: SignedEnvelope): string {
  return canonicalJson(toCanonical({ ...signed.envelope, signature: signed.signature }));
}

/** Parses wire text into a signed envelope whose signature is its `from`'s; no receiver checks (logs use this). */
export function decodeEnvelope(wire: string): EnvelopeResult {
  if (wire.length > MAX_WIRE_BYTES || utf8.encode(wire).length > MAX_WIRE_BYTES)
    return { ok: false, refusal: "OVERSIZED", reason: `more than ${MAX_WIRE_BYTES} bytes` };
  const parsed = parseCanonicalJson(wire);
  if (parsed === undefined) return { ok: false, refusal: "MALFORMED", reason: "not canonical JSON" };
  let signed: SignedEnvelope;
  let body: Uint8Array;
  try {
    ({ signed, body } = checked(parsed));
  } catch (error) {
    if (error instanceof RangeError) return { ok: false, refusal: "OVERSIZED", reason: error.message };
    if (error instanceof MalformedField) return { ok: false, refusal: "MALFORMED", reason: error.message };
    throw error;
  }
  const digest = digestOf(signed.envelope, body);
  if (!verifyDigestSignature(digest, signed.signature, signed.envelope.from))
    return { ok: false, refusal: "BAD_SIGNATURE", reason: `not signed by ${signed.envelope.from}` };
  return { ok: true, signed, bodyBytes: body.length, digest: bytesToHex(digest) };
}

/** The receiver's check of an incoming envelope: size, shape, chain, peers, signature, sequence, clock. */
export function verifyEnvelope(wire: string, ctx: ReceiverContext): EnvelopeResult {
  const decoded = decodeEnvelope(wire);
  if (!decoded.ok && decoded.refusal !== "BAD_SIGNATURE") return decoded;
  const envelope = decoded.ok ? decoded.signed.envelope : undefined;
  // chain and peers first: a message for someone else is refused as such, whoever signed it
  const header = envelope ?? readHeader(parseCanonicalJson(wire)).header;
  if (header.chainId !== ctx.chainId)
    return { ok: false, refusal: "WRONG_CHAIN", reason: `chain ${header.chainId}, expected ${ctx.chainId}` };
  if (header.to !== ctx.self.toLowerCase() || header.from !== ctx.peer.toLowerCase())
    return {
      ok: false,
      refusal: "WRONG_PEER",
      reason: `${header.from} → ${header.to}, expected ${ctx.peer} → ${ctx.self}`,
    };
  if (!decoded.ok) return decoded;
  if (header.seq <= ctx.lastSeq)
    return { ok: false, refusal: "REPLAYED", reason: `seq ${header.seq}, already at ${ctx.lastSeq}` };
  if (header.seq !== ctx.lastSeq + 1n)
    return { ok: false, refusal: "OUT_OF_ORDER", reason: `seq ${header.seq}, expected ${ctx.lastSeq + 1n}` };
  const skew = header.sentAtMs > ctx.nowMs ? header.sentAtMs - ctx.nowMs : ctx.nowMs - header.sentAtMs;
  if (skew > ctx.maxSkewMs)
    return { ok: false, refusal: "STALE", reason: `sent ${skew} ms from now, at most ${ctx.maxSkewMs}` };
  return decoded;
}
