/**
 * One participant's (or observer's) copy of a channel: the authenticated log, a bounded buffer
 * of ops that arrived before the head or later op that signs for them, and the folded state.
 * Messages may come in any order, repeated or late; the state is fold(log) whatever the order.
 */
import type { Hex } from "viem";
import { refuse } from "./errors";
import { hashOp } from "./encode";
import { fold } from "./fold";
import { OpLog } from "./log";
import { stateHash, type MultipartyState } from "./state";
import { validateConfig, validateOp } from "./validate";
import type { ChannelConfig, KnownDeposits, Message, Op } from "./types";

/** What receiving a message did. */
export type ReceiveResult = "added" | "duplicate" | "buffered";

/** A copy of one channel that takes messages in any order and folds them. */
export class Replica {
  readonly config: ChannelConfig;
  readonly log: OpLog;
  /** ops waiting for a signature that covers them, by hash */
  private readonly buffer = new Map<Hex, Op>();
  private readonly bufferedPerAuthor = new Map<string, number>();
  private cached?: MultipartyState;

  constructor(
    config: ChannelConfig,
    private deposits: KnownDeposits,
  ) {
    this.config = validateConfig(config);
    this.log = new OpLog(this.config);
  }

  /** Takes one message; throws a MultipartyError for a forged, foreign or malformed one. */
  receive(message: Message): ReceiveResult {
    let added: boolean;
    if (message.type === "head") added = this.log.addHead(message.head);
    else if (message.signature !== undefined) added = this.log.addSignedOp(message.op, message.signature).added;
    else {
      const result = this.log.addCoveredOp(message.op);
      if (!result) return this.hold(message.op);
      added = result.added;
    }
    if (added) {
      this.drainBuffer();
      this.cached = undefined;
    }
    return added ? "added" : "duplicate";
  }

  /** Merges another replica's log in (anti-entropy), then anything buffered it now covers. */
  mergeFrom(log: OpLog): void {
    this.log.mergeFrom(log);
    this.drainBuffer();
    this.cached = undefined;
  }

  /** The on-chain deposits this replica credits. */
  get knownDeposits(): KnownDeposits {
    return this.deposits;
  }

  /** Replaces the known on-chain deposits (a superset, as the chain is watched). */
  setDeposits(deposits: KnownDeposits): void {
    this.deposits = deposits;
    this.cached = undefined;
  }

  /** The folded state (recomputed only after a change). */
  state(): MultipartyState {
    return (this.cached ??= fold(this.log, this.deposits));
  }

  /** Hash of the folded state. */
  stateHash(): Hex {
    return stateHash(this.state());
  }

  private hold(raw: Op): ReceiveResult {
    const op = validateOp(raw, this.config);
    const id = hashOp(op);
    if (this.buffer.has(id)) return "duplicate";
    const count = this.bufferedPerAuthor.get(op.author) ?? 0;
    if (count >= this.config.maxOpsPerAuthor)
      refuse("MULTIPARTY_BUFFER_FULL", `${count} unsigned ops of ${op.author} waiting`, { author: op.author, count });
    this.buffer.set(id, op);
    this.bufferedPerAuthor.set(op.author, count + 1);
    return "buffered";
  }

  private drainBuffer(): void {
    let moved = true;
    while (moved) {
      moved = false;
      for (const [id, op] of this.buffer) {
        if (!this.log.covers(op.author, id) && !this.log.ops.has(id)) continue;
        this.log.addCoveredOp(op);
        this.buffer.delete(id);
        this.bufferedPerAuthor.set(op.author, this.bufferedPerAuthor.get(op.author)! - 1);
        moved = true;
      }
    }
  }
}
