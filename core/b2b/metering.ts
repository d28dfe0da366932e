/**
 * Metering of broker-to-broker calls (BROKERS.md "The six RPCs"): each side meters every
 * envelope it accepts or sends into core/clearing's counters per (payer, kind), priced by its
 * schedule; admission of a peer's calls under a rate cap (token bucket, clock passed in) and a cap
 * on its unpaid fees; and the comparison of both sides' counters within a tolerance.
 *
 * A snapshot is one call charged when it is answered: the request is not metered, the response
 * is metered to the requestor (its `to`) with the response's body bytes — seed 000's ~10 kB is
 * the answer, and an unanswered request costs nothing.
 */
import type { Address } from "viem";
import { recordRpcCall, RpcKind, rpcFeesOf, type RpcCall, type RpcCounter, type RpcPrices } from "../clearing";
import type { SignedEnvelope } from "./envelope";

/** The call an envelope is charged as (payer = `from`), or null for a snapshot request. */
export function rpcCallOf(signed: SignedEnvelope, bodyBytes: number): RpcCall | null {
  const { envelope } = signed;
  if (envelope.kind === RpcKind.getOrderbookSnapshot) {
    const body = envelope.body as { type: "request" | "response" };
    if (body.type === "request") return null;
    return { kind: envelope.kind, from: envelope.to, to: envelope.from, bytes: BigInt(bodyBytes) };
  }
  return { kind: envelope.kind, from: envelope.from, to: envelope.to, bytes: BigInt(bodyBytes) };
}

/** The counters after one more accepted (or sent) envelope; unchanged for a snapshot request. */
export function meterEnvelope(
  counters: readonly RpcCounter[],
  signed: SignedEnvelope,
  bodyBytes: number,
  prices: RpcPrices,
): RpcCounter[] {
  const call = rpcCallOf(signed, bodyBytes);
  return call ? recordRpcCall(counters, call, prices) : [...counters];
}

/** The counters of a whole sequence of envelopes (e.g. a verified log), from zero. */
export function meterAll(
  envelopes: readonly { signed: SignedEnvelope; bodyBytes: number }[],
  prices: RpcPrices,
): RpcCounter[] {
  return envelopes.reduce<RpcCounter[]>((c, e) => meterEnvelope(c, e.signed, e.bodyBytes, prices), []);
}

/** A token bucket: whole calls per second refilled, up to `burst` at once. */
export interface RateCap {
  callsPerSecond: bigint;
  burst: bigint;
}

/** A bucket's level in thousandths of a call (integer refill per ms) and when it was last refilled. */
export interface BucketState {
  milliTokens: bigint;
  atMs: bigint;
}

/** A full bucket at `nowMs`: a new counterparty may use its whole burst. */
export function fullBucket(cap: RateCap, nowMs: bigint): BucketState {
  return { milliTokens: cap.burst * 1000n, atMs: nowMs };
}

/** Refills to `nowMs` (a clock that went back refills nothing) and takes one call if there is one. */
export function takeCall(bucket: BucketState, cap: RateCap, nowMs: bigint): { ok: boolean; bucket: BucketState } {
  const elapsed = nowMs > bucket.atMs ? nowMs - bucket.atMs : 0n;
  const capacity = cap.burst * 1000n;
  // callsPerSecond calls per 1000 ms = callsPerSecond milli-calls per ms
  const refilled = bucket.milliTokens + elapsed * cap.callsPerSecond;
  const level = refilled > capacity ? capacity : refilled;
  const atMs = nowMs > bucket.atMs ? nowMs : bucket.atMs;
  if (level < 1000n) return { ok: false, bucket: { milliTokens: level, atMs } };
  return { ok: true, bucket: { milliTokens: level - 1000n, atMs } };
}

/** What a receiver allows one counterparty: a call rate and a ceiling of fees owed and not yet settled. */
export interface PeerPolicy {
  rate: RateCap;
  /** settlement stablecoin base units */
  maxUnpaidFees: bigint;
}

/** Fees `payer` owes per the counters minus what it has settled (never below 0). */
export function unpaidFees(counters: readonly RpcCounter[], payer: Address, settledFees: bigint): bigint {
  const owed = rpcFeesOf(counters, payer) - settledFees;
  return owed > 0n ? owed : 0n;
}

/** Why a receiver refuses a peer's call before serving it. */
export type AdmissionRefusal = "RATE_LIMITED" | "UNPAID_FEES_CAP";

/**
 * Admits one call from `payer`: refused while its unpaid fees are at or above the cap (checked
 * first, so a refused call does not use a token), then by the rate cap.
 */
export function admitCall(
  bucket: BucketState,
  policy: PeerPolicy,
  counters: readonly RpcCounter[],
  payer: Address,
  settledFees: bigint,
  nowMs: bigint,
): { ok: true; bucket: BucketState } | { ok: false; refusal: AdmissionRefusal; bucket: BucketState } {
  if (unpaidFees(counters, payer, settledFees) >= policy.maxUnpaidFees)
    return { ok: false, refusal: "UNPAID_FEES_CAP", bucket };
  const taken = takeCall(bucket, policy.rate, nowMs);
  return taken.ok ? { ok: true, bucket: taken.bucket } : { ok: false, refusal: "RATE_LIMITED", bucket: taken.bucket };
}

/** How far two sides' counters may differ per (payer, kind): calls in flight, and their fees. */
export interface MeterTolerance {
  calls: bigint;
  /** settlement stablecoin base units */
  feeAmount: bigint;
}

/** A (payer, kind) counter the sides disagree on beyond the tolerance. */
export interface MeterDisagreement {
  payer: Address;
  kind: number;
  mine: RpcCounter | null;
  theirs: RpcCounter | null;
}

export type MeterComparison = { verdict: "agree" } | { verdict: "dispute"; disagreements: MeterDisagreement[] };

const keyOf = (c: { payer: Address; kind: number }) => `${c.payer.toLowerCase()}:${c.kind}`;
const absDiff = (x: bigint, y: bigint) => (x > y ? x - y : y - x);

/** Compares two sides' counters: "agree" when every (payer, kind) is within the tolerance, else "dispute". */
export function compareMeters(
  mine: readonly RpcCounter[],
  theirs: readonly RpcCounter[],
  tolerance: MeterTolerance,
): MeterComparison {
  const mineBy = new Map(mine.map((c) => [keyOf(c), c]));
  const theirsBy = new Map(theirs.map((c) => [keyOf(c), c]));
  const disagreements: MeterDisagreement[] = [];
  for (const key of [...new Set([...mineBy.keys(), ...theirsBy.keys()])].sort()) {
    const m = mineBy.get(key) ?? null;
    const t = theirsBy.get(key) ?? null;
    const calls = absDiff(m?.calls ?? 0n, t?.calls ?? 0n);
    const fee = absDiff(m?.feeAmount ?? 0n, t?.feeAmount ?? 0n);
    if (calls > tolerance.calls || fee > tolerance.feeAmount)
      disagreements.push({ payer: (m ?? t)!.payer, kind: (m ?? t)!.kind, mine: m, theirs: t });
  }
  return disagreements.length === 0 ? { verdict: "agree" } : { verdict: "dispute", disagreements };
}
