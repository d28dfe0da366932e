/**
 * The node's B2B bookkeeping in memory: the log's head, each peer's envelope seqs and the
 * channel meters. Every accepted or sent envelope goes through `receive` / `send`, which sign the
 * log entry chained to the head, meter the call (core/b2b meterEnvelope) and advance the seqs,
 * collecting what to write in a `Change`. The caller makes the Change durable in ONE transaction
 * with the envelope's effect (store.ts, or the engine journal's answer: engine-bridge.ts).
 *
 * One writer: the node runs every change under one lock (node.ts), so memory and the database
 * advance together; a failed write stops the process, and a restart reloads from the database.
 */
import type { Address, Hex } from "viem";
import {
  encodeEnvelope,
  envelopeBodyBytes,
  meterEnvelope,
  signEntry,
  signEnvelope,
  ZERO_HASH,
  type AcceptedEnvelope,
  type LogDirection,
  type LogHead,
  type RpcBodies,
} from "../../core/b2b";
import type { RpcCounter, RpcKind, RpcPrices } from "../../core/clearing";

export interface LogRow {
  index: bigint;
  direction: LogDirection;
  peer: Address;
  seq: bigint;
  kind: number;
  prevHash: Hex;
  entryHash: Hex;
  envelope: string;
  signature: Hex;
}

export interface PeerSeqs {
  lastSeqIn: bigint;
  lastSeqOut: bigint;
}

/** A remote order's row (B2BOrder). */
export interface OrderRow {
  peer: Address;
  orderId: string;
  role: "host" | "initiator";
  market: string;
  side: "buy" | "sell";
  engineOrderId: number | null;
  status: "pending" | "open" | "filled" | "cancelled" | "rejected";
  remainingBase: bigint;
}

/** What one step writes: plain data (it is also stored as the engine journal's answer). */
export interface Change {
  log: LogRow[];
  peers: { address: Address; lastSeqIn: bigint; lastSeqOut: bigint }[];
  meters: { peer: Address; counters: RpcCounter[] }[];
  orders: OrderRow[];
}

export const emptyChange = (): Change => ({ log: [], peers: [], meters: [], orders: [] });

export class Ledger {
  private head: LogHead;
  private readonly seqs: Map<string, PeerSeqs>;
  private readonly counters: Map<string, RpcCounter[]>;

  constructor(
    readonly owner: Address,
    readonly chainId: bigint,
    private readonly key: Hex,
    private readonly prices: RpcPrices,
    state: { head: LogHead; seqs: Map<string, PeerSeqs>; counters: Map<string, RpcCounter[]> },
  ) {
    this.head = state.head;
    this.seqs = state.seqs;
    this.counters = state.counters;
  }

  static emptyHead(): LogHead {
    return { nextIndex: 0n, head: ZERO_HASH };
  }

  seqsOf(peer: Address): PeerSeqs {
    return this.seqs.get(peer) ?? { lastSeqIn: 0n, lastSeqOut: 0n };
  }

  metersOf(peer: Address): RpcCounter[] {
    return this.counters.get(peer) ?? [];
  }

  logLength(): bigint {
    return this.head.nextIndex;
  }

  logHead(): Hex {
    return this.head.head;
  }

  /** An accepted envelope from `peer`: logged as received, metered, lastSeqIn advanced. */
  receive(change: Change, peer: Address, wire: string, accepted: AcceptedEnvelope): void {
    const { envelope } = accepted.signed;
    this.append(change, "received", peer, wire, envelope.seq, envelope.kind);
    this.meter(change, peer, accepted.signed, accepted.bodyBytes);
    this.setSeqs(change, peer, { ...this.seqsOf(peer), lastSeqIn: envelope.seq });
  }

  /** Signs the next envelope to `peer`, logs it as sent and meters it; returns its wire text. */
  send<K extends RpcKind>(change: Change, peer: Address, kind: K, body: RpcBodies[K], nowMs: bigint): string {
    const seqs = this.seqsOf(peer);
    const seq = seqs.lastSeqOut + 1n;
    const signed = signEnvelope(
      { from: this.owner, to: peer, chainId: this.chainId, seq, kind, sentAtMs: nowMs, body },
      this.key,
    );
    const wire = encodeEnvelope(signed);
    this.append(change, "sent", peer, wire, seq, kind);
    this.meter(change, peer, signed, envelopeBodyBytes(signed.envelope).length);
    this.setSeqs(change, peer, { ...seqs, lastSeqOut: seq });
    return wire;
  }

  private append(change: Change, direction: LogDirection, peer: Address, wire: string, seq: bigint, kind: number) {
    const { entry, next } = signEntry(this.owner, this.chainId, this.head, direction, wire, this.key);
    change.log.push({
      index: entry.index,
      direction,
      peer,
      seq,
      kind,
      prevHash: entry.prevHash,
      entryHash: next.head,
      envelope: wire,
      signature: entry.signature,
    });
    this.head = next;
  }

  private meter(change: Change, peer: Address, signed: AcceptedEnvelope["signed"], bodyBytes: number) {
    const counters = meterEnvelope(this.metersOf(peer), signed, bodyBytes, this.prices);
    this.counters.set(peer, counters);
    const i = change.meters.findIndex((m) => m.peer === peer);
    if (i >= 0) change.meters[i] = { peer, counters };
    else change.meters.push({ peer, counters });
  }

  private setSeqs(change: Change, peer: Address, seqs: PeerSeqs) {
    this.seqs.set(peer, seqs);
    const i = change.peers.findIndex((p) => p.address === peer);
    const row = { address: peer, ...seqs };
    if (i >= 0) change.peers[i] = row;
    else change.peers.push(row);
  }
}
