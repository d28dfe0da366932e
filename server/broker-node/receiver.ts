/**
 * An incoming envelope, before its effect: who sent it (a configured peer, else WRONG_PEER),
 * core/b2b verifyEnvelope against that peer's persisted lastSeq, then admission (the peer's rate
 * cap and unpaid-fee cap, core/b2b admitCall). A refusal changes nothing and answers with the
 * refusal's name; an accepted envelope goes to its handler. Runs under the node's lock, so the
 * lastSeq it checks is the one the previous envelope left.
 */
import type { Address } from "viem";
import {
  admitCall,
  fullBucket,
  parseCanonicalJson,
  verifyEnvelope,
  type AdmissionRefusal,
  type BucketState,
  type EnvelopeRefusal,
} from "../../core/b2b";
import type { NodeContext } from "./context";
import { handleEnvelope } from "./handlers";
import type { Publisher } from "./publisher";

export type Refusal = EnvelopeRefusal | AdmissionRefusal;

export type ReceiveResult =
  | { status: 200; body: { accepted: true; seq: string } }
  | { status: 400 | 401 | 402 | 409 | 429; body: { refusal: Refusal; message: string; expectedSeq?: string } };

const STATUS: Record<Refusal, 400 | 401 | 402 | 409 | 429> = {
  MALFORMED: 400,
  OVERSIZED: 400,
  STALE: 400,
  WRONG_CHAIN: 401,
  WRONG_PEER: 401,
  BAD_SIGNATURE: 401,
  REPLAYED: 409,
  OUT_OF_ORDER: 409,
  RATE_LIMITED: 429,
  UNPAID_FEES_CAP: 402,
};

function senderOf(wire: string): string | null {
  const parsed = parseCanonicalJson(wire) as { from?: unknown } | undefined;
  return typeof parsed?.from === "string" ? parsed.from : null;
}

export class Receiver {
  private readonly buckets = new Map<Address, BucketState>();
  private readonly peers: Set<string>;

  constructor(
    private readonly ctx: NodeContext,
    private readonly publisher: Publisher,
  ) {
    this.peers = new Set(ctx.config.peers.map((p) => p.address));
  }

  receive(wire: string): Promise<ReceiveResult> {
    return this.ctx.lock.run(() => this.receiveNow(wire));
  }

  private async receiveNow(wire: string): Promise<ReceiveResult> {
    const { config, ledger } = this.ctx;
    const from = senderOf(wire);
    // an unknown sender is checked against this node itself, which is never its own peer: WRONG_PEER
    const peer = (from !== null && this.peers.has(from) ? from : config.address) as Address;
    const nowMs = this.ctx.nowMs();
    const lastSeq = ledger.seqsOf(peer).lastSeqIn;
    const result = verifyEnvelope(wire, {
      self: config.address,
      peer,
      chainId: config.chainId,
      lastSeq,
      nowMs,
      maxSkewMs: config.maxSkewMs,
    });
    if (!result.ok) {
      const expectedSeq = result.refusal === "OUT_OF_ORDER" ? { expectedSeq: String(lastSeq + 1n) } : {};
      return {
        status: STATUS[result.refusal],
        body: { refusal: result.refusal, message: result.reason, ...expectedSeq },
      };
    }
    const bucket = this.buckets.get(peer) ?? fullBucket(config.policy.rate, nowMs);
    const admitted = admitCall(bucket, config.policy, ledger.metersOf(peer), peer, 0n, nowMs);
    this.buckets.set(peer, admitted.bucket);
    if (!admitted.ok)
      return {
        status: STATUS[admitted.refusal],
        body: {
          refusal: admitted.refusal,
          message:
            admitted.refusal === "RATE_LIMITED"
              ? `more than ${config.policy.rate.callsPerSecond} calls a second (burst ${config.policy.rate.burst})`
              : `unpaid fees at the cap of ${config.policy.maxUnpaidFees}`,
        },
      };
    await handleEnvelope(this.ctx, this.publisher, peer, wire, result);
    return { status: 200, body: { accepted: true, seq: String(result.signed.envelope.seq) } };
  }
}
