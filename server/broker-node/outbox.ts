/**
 * Delivery of what this node sent: per peer, every logged "sent" envelope above the peer's
 * acknowledged seq is POSTed to the peer's endpoint, one at a time and in seq order (the receiver
 * accepts exactly lastSeq + 1). 200 or REPLAYED acknowledges it; OUT_OF_ORDER rewinds to the seq
 * the peer expects; anything else is retried with a growing pause. The log is the outbox, so a
 * restart resumes where the peer's acknowledgements stopped.
 */
import type { Address } from "viem";
import type { Db } from "../db";
import type { PeerConfig } from "./config";
import { ackSent, peerRow, sentEnvelope } from "./store";

const MAX_PAUSE_MS = 2_000;

class PeerSender {
  private running = false;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private pauseMs = 50;
  private readonly abort = new AbortController();

  constructor(
    private readonly db: Db,
    private readonly peer: PeerConfig,
    private readonly log: (m: string) => void,
  ) {}

  wake(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      do {
        this.again = false;
        if (!(await this.drain())) return this.retryLater();
      } while (this.again && !this.stopped);
      this.pauseMs = 50;
    } finally {
      this.running = false;
    }
  }

  private retryLater() {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.wake(), this.pauseMs);
    this.pauseMs = Math.min(this.pauseMs * 2, MAX_PAUSE_MS);
  }

  /** Sends until the peer has everything; false when it must be retried later. */
  private async drain(): Promise<boolean> {
    const address = this.peer.address as Address;
    for (;;) {
      if (this.stopped) return true;
      const row = await peerRow(this.db, address);
      if (!row || row.ackedSeqOut >= row.lastSeqOut) return true;
      const seq = row.ackedSeqOut + 1n;
      const wire = await sentEnvelope(this.db, address, seq);
      if (wire === null) return true; // its transaction has not committed yet: woken again then
      let res: Response;
      try {
        res = await fetch(`${this.peer.url}/b2b`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: wire,
          signal: this.abort.signal,
        });
      } catch {
        return false; // unreachable: later
      }
      const answer = (await res.json().catch(() => ({}))) as {
        refusal?: string;
        expectedSeq?: string;
        message?: string;
      };
      if (res.status === 200 || answer.refusal === "REPLAYED") await ackSent(this.db, address, seq);
      else if (answer.refusal === "OUT_OF_ORDER" && answer.expectedSeq !== undefined)
        await ackSent(this.db, address, BigInt(answer.expectedSeq) - 1n);
      else {
        this.log(
          `delivery of seq ${seq} to ${address}: HTTP ${res.status} ${answer.refusal ?? ""} ${answer.message ?? ""}`,
        );
        return false;
      }
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
  }
}

/** One sender per peer; `wake(peer)` after new envelopes to it are durable. */
export class Outbox {
  private readonly senders = new Map<string, PeerSender>();

  constructor(db: Db, peers: readonly PeerConfig[], log: (m: string) => void) {
    for (const p of peers) this.senders.set(p.address, new PeerSender(db, p, log));
  }

  wake(peer: Address): void {
    this.senders.get(peer)?.wake();
  }

  wakeAll(): void {
    for (const s of this.senders.values()) s.wake();
  }

  stop(): void {
    for (const s of this.senders.values()) s.stop();
  }
}
