/**
 * The seams between the service's parts, so each can be built and tested on its own and
 * wired together in one place (server/app-services.ts):
 *
 *   chain watcher ──CustodyEvent──▶ channels ──Command──▶ engine runtime ──CommittedBatch──▶ channels (state issuance)
 *                                                              │                               └──▶ live feeds (SSE)
 *   tRPC procedures ──Command──────────────────────────────────┘
 */
import type { Command, EngineEvent, Exchange } from "../core/engine";

/** One journaled command and what it caused. `seq` is the journal sequence (gapless, from 1). */
export interface CommittedEntry {
  seq: bigint;
  command: Command;
  events: EngineEvent[];
}

/** Commands made durable together (one group commit). */
export interface CommittedBatch {
  entries: CommittedEntry[];
}

export interface SubmitOptions {
  /** apply once per (account, requestId); a repeat answers the first entry (a different command: IDEMPOTENCY_KEY_REUSED) */
  requestId?: string;
}

/** The single-writer engine runtime, as the rest of the service sees it. */
export interface EnginePort {
  /**
   * Apply a command in sequence; resolves once its journal batch is durable. With a
   * `requestId` the command is applied at most once per (the command's account, requestId),
   * across restarts: the id is journaled with the command (the runtime's idempotency keys), and
   * a repeat gets the first entry back without applying anything. The chain sink uses
   * `chain:<txHash>:<logIndex>:…`, longer than any client key (≤ 64), so the two never collide.
   */
  submit(command: Command, options?: SubmitOptions): Promise<CommittedEntry>;
  /** Read the in-memory state consistently (between commands). Do not keep references. */
  read<T>(fn: (exchange: Exchange) => T): T;
  /** Called after every durable batch, in order; a listener's failure is logged, not fatal. */
  onCommitted(listener: (batch: CommittedBatch) => void | Promise<void>): () => void;
}

/** A custody-contract log the chain watcher decoded, with where it sits on the chain. */
export interface CustodyEvent {
  /** the event's name in custodyAbi, e.g. "ChannelOpened" */
  name: string;
  /** decoded arguments (bigint for integers) */
  args: Readonly<Record<string, unknown>>;
  txHash: `0x${string}`;
  logIndex: number;
  blockNumber: bigint;
  blockHash: `0x${string}`;
}

/** Whoever acts on custody events; each is applied at most once and reverted if its block is reorged out. */
export interface CustodyEventSink {
  /** The event is buried under the configured confirmations. */
  apply(event: CustodyEvent): Promise<void>;
  /** A previously applied event's block left the canonical chain. */
  revert(event: CustodyEvent): Promise<void>;
}
