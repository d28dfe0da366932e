/**
 * The exchange's own channel transactions — `resize` (partial withdrawal), `close` (cooperative
 * close), `checkpoint` (a cancelled withdrawal's replacement) — submitted once every signature
 * is in, and again in the background until the chain has them.
 *
 * What is pending is durable: the channel's pending-operation lock (`pendingOp`,
 * `pendingVersion`) and the co-signed states. This module keeps only the retry bookkeeping, in
 * memory; after a restart the first round finds every fully co-signed pending operation again.
 *
 * Every attempt reads the channel from the custody contract first, and again after any revert:
 * the chain watcher lags, so an operation already mined (by us before a lost receipt, or by the
 * trader, who holds both signatures too) still looks pending in the database, and sending it
 * again would revert and look like a refusal. `judge` (submission-verdict.ts) decides from that record:
 *   - submit: the state can apply now;
 *   - onChain: the chain is at or past the pending version — done; the watcher's event releases
 *     the lock (checked again at the backoff cap until it does);
 *   - wait: cannot apply at the moment for a reason that passes (a running challenge blocks a
 *     checkpoint; the watchtower answers it) — retried with backoff;
 *   - failed: can provably never apply (the channel closed on-chain, or its challenge expired so
 *     only `conclude` remains) — `Channel.alert` says why; not retried; the custody sink gives the
 *     engine debit back when the watcher reports the close (its ChannelClosed handling);
 *   - refused: the contract refuses it although the record says it could apply (funding on chain
 *     differs, a smart wallet's signature no longer validates, …) — `Channel.alert` says why, and
 *     it is retried at the backoff cap, since such reasons can change; nothing is released.
 * Anything else that fails (RPC down, timeout) is retried with exponential backoff. One attempt
 * per channel at a time: the trader's co-signature and the background round share it.
 */
import type { Address, Hex } from "viem";
import { Intent } from "../../core/channel";
import type { Db } from "../db";
import type { ChannelChain } from "./chain";
import { stateFromRow, type StoredState } from "./repository";
import { describeFailure, isRevert, judge, OP_NAME, type PendingOp, type Verdict } from "./submission-verdict";
import type { ChannelSubmitter } from "./submitter";

export type { PendingOp };

/**
 * submitting: an attempt is running; submitted: our transaction was mined (the watcher's event
 * finishes the operation); onChain: the chain already had it (someone else's transaction, or ours
 * whose receipt was lost); retrying: the last attempt failed for a passing reason, next at
 * nextAttemptAt; refused: the contract refuses it for now (alert set, retried at the cap);
 * failed: it can never apply (alert set, not retried).
 */
export type SubmissionState = "submitting" | "submitted" | "onChain" | "retrying" | "refused" | "failed";

export interface SubmissionStatus {
  op: PendingOp;
  version: bigint;
  state: SubmissionState;
  attempts: number;
  lastError: string | null;
  /** when the background loop tries (or checks) again; null: never */
  nextAttemptAt: Date | null;
  txHash: Hex | null;
}

export interface SubmissionRetryOptions {
  /** how often the background loop looks for due submissions (default 1000 ms) */
  pollMs?: number;
  /** first retry delay after a failure, doubled per attempt (default 1000 ms) */
  initialBackoffMs?: number;
  /** the cap of the delay, and the re-check interval once submitted or refused (default 60 000 ms) */
  maxBackoffMs?: number;
}

export interface PendingSubmissionsDeps {
  db: Db;
  chain: ChannelChain;
  submitter: ChannelSubmitter;
  /** unix milliseconds */
  clock: () => number;
  /** the service's registry must re-read a channel row after we write it */
  channelChanged: (channelId: string) => Promise<void>;
  options?: SubmissionRetryOptions;
}

/** A pending operation whose states are signed by both: what to send. */
export interface ReadySubmission {
  channelId: Hex;
  op: PendingOp;
  version: bigint;
  /** RESIZE: its co-signed predecessor; CANCEL: the cancelled RESIZE (for its funding); CLOSE: null */
  previous: StoredState | null;
  next: StoredState;
}

interface Entry {
  op: PendingOp;
  version: bigint;
  state: SubmissionState;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number | null;
  txHash: Hex | null;
  /** the alert text this module wrote on the channel, to clear it (and only it) on success */
  alert: string | null;
  inFlight: Promise<SubmissionStatus | null> | null;
}

const PENDING_WITH_COSIGNED_STATE = `SELECT c."id", c."pendingOp" AS op, c."pendingVersion" AS version FROM "Channel" AS c
  JOIN "ChannelState" AS s ON s."channelId" = c."id" AND s."version" = c."pendingVersion"
  WHERE c."pendingOp" IS NOT NULL AND c."status" <> 'CLOSED' AND s."traderSignature" IS NOT NULL`;

export class PendingSubmissions {
  private readonly entries = new Map<string, Entry>();
  private readonly pollMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private round: Promise<void> = Promise.resolve();

  constructor(private readonly deps: PendingSubmissionsDeps) {
    this.pollMs = deps.options?.pollMs ?? 1_000;
    this.initialBackoffMs = deps.options?.initialBackoffMs ?? 1_000;
    this.maxBackoffMs = deps.options?.maxBackoffMs ?? 60_000;
  }

  /** Starts the background loop (a timer re-armed after each round; it does not keep the process alive). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.arm(0);
  }

  /** Stops the loop; resolves when the round in progress (and its attempts) has finished. */
  stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return this.round;
  }

  private arm(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.round = this.runRound()
        .catch((error: unknown) => console.error("[channels] submission round failed", error))
        .finally(() => this.arm(this.pollMs));
    }, delayMs);
    this.timer.unref?.();
  }

  /** One background round: every fully co-signed pending operation whose attempt is due (tests call it directly). */
  async runRound(): Promise<void> {
    const rows =
      await this.deps.db.$queryRawUnsafe<{ id: string; op: string; version: bigint }[]>(PENDING_WITH_COSIGNED_STATE);
    const now = this.deps.clock();
    const ids = new Set(rows.map((r) => r.id));
    for (const id of this.entries.keys()) if (!ids.has(id) && !this.entries.get(id)!.inFlight) this.entries.delete(id); // released: forget it
    const due = rows.filter(({ id, op, version }) => {
      const e = this.entries.get(id);
      if (!e) return true;
      if (e.inFlight !== null) return false;
      if (e.op !== op || e.version !== BigInt(version)) return true; // another operation than the one last tried
      return e.nextAttemptAt !== null && e.nextAttemptAt <= now;
    });
    await Promise.allSettled(due.map(({ id }) => this.submitNow(id)));
  }

  /**
   * Submits the channel's pending operation now if every signature is in (the trader's
   * co-signature calls this); joins the attempt already running for the channel. Never throws
   * for a chain failure: the answer says what happened and what comes next. null: nothing ready.
   */
  submitNow(channelId: string): Promise<SubmissionStatus | null> {
    const id = channelId.toLowerCase();
    const running = this.entries.get(id)?.inFlight;
    if (running) return running;
    const attempt = this.attempt(id);
    const entry = this.entries.get(id);
    if (entry) entry.inFlight = attempt;
    else
      this.entries.set(id, {
        op: "RESIZE",
        version: -1n,
        state: "submitting",
        attempts: 0,
        lastError: null,
        nextAttemptAt: null,
        txHash: null,
        alert: null,
        inFlight: attempt,
      });
    return attempt.finally(() => {
      const e = this.entries.get(id);
      if (e?.inFlight === attempt) e.inFlight = null;
    });
  }

  /** What the last attempt for the channel's current pending operation found (null: none yet, or another operation). */
  status(channelId: string, op: string | null, version: bigint | null): SubmissionStatus | null {
    const e = this.entries.get(channelId.toLowerCase());
    if (!e || e.op !== op || e.version !== version || e.attempts === 0) return null;
    return snapshot(e);
  }

  private async attempt(id: string): Promise<SubmissionStatus | null> {
    const ready = await this.ready(id);
    if (!ready) {
      this.entries.delete(id);
      return null;
    }
    let e = this.entries.get(id)!;
    if (e.op !== ready.op || e.version !== ready.version) {
      e = {
        op: ready.op,
        version: ready.version,
        state: "submitting",
        attempts: 0,
        lastError: null,
        nextAttemptAt: null,
        txHash: null,
        alert: e.alert,
        inFlight: e.inFlight,
      };
      this.entries.set(id, e);
    }
    e.state = "submitting";
    e.attempts += 1;
    const { chain } = this.deps;
    try {
      let verdict = judge(
        ready.op,
        ready.version,
        ready.previous?.state ?? null,
        ready.next.state,
        await chain.channel(ready.channelId),
      );
      if (verdict.kind === "submit") {
        try {
          e.txHash = await this.send(ready);
          e.state = "submitted";
          e.lastError = null;
          e.nextAttemptAt = this.deps.clock() + this.maxBackoffMs; // only a check: the chain has it until a reorg says otherwise
          await this.clearAlert(id, e);
          return snapshot(e);
        } catch (error) {
          if (!isRevert(error)) throw error;
          // read again: the revert may only mean the state got on-chain meanwhile (the trader's transaction, our lost receipt)
          verdict = judge(
            ready.op,
            ready.version,
            ready.previous?.state ?? null,
            ready.next.state,
            await chain.channel(ready.channelId),
          );
          if (verdict.kind === "submit")
            verdict = {
              kind: "refused",
              reason: `the contract refused the ${OP_NAME[ready.op]} v${ready.version}: ${describeFailure(error)}`,
            };
        }
      }
      await this.settle(id, e, verdict);
    } catch (error) {
      e.state = "retrying";
      e.lastError = describeFailure(error);
      e.nextAttemptAt = this.deps.clock() + this.backoff(e.attempts);
      console.error(
        `[channels] ${OP_NAME[ready.op]} v${ready.version} of ${id} not submitted (attempt ${e.attempts}; again in ${e.nextAttemptAt - this.deps.clock()} ms): ${e.lastError}`,
      );
    }
    return snapshot(e);
  }

  private async settle(id: string, e: Entry, verdict: Exclude<Verdict, { kind: "submit" }>): Promise<void> {
    const now = this.deps.clock();
    switch (verdict.kind) {
      case "onChain":
        e.state = "onChain";
        e.lastError = null;
        e.nextAttemptAt = now + this.maxBackoffMs;
        await this.clearAlert(id, e);
        return;
      case "wait":
        e.state = "retrying";
        e.lastError = verdict.reason;
        e.nextAttemptAt = now + this.backoff(e.attempts);
        return;
      case "refused":
        e.state = "refused";
        e.lastError = verdict.reason;
        e.nextAttemptAt = now + this.maxBackoffMs;
        await this.setAlert(id, e, verdict.reason);
        return;
      case "failed":
        e.state = "failed";
        e.lastError = verdict.reason;
        e.nextAttemptAt = null;
        await this.setAlert(id, e, verdict.reason);
        return;
    }
  }

  private backoff(attempts: number): number {
    const delay = this.initialBackoffMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30);
    return Math.min(delay, this.maxBackoffMs);
  }

  private async setAlert(id: string, e: Entry, reason: string): Promise<void> {
    if (e.alert === reason) return;
    console.error(`channel ${id}: ${reason}`);
    await this.deps.db.channel.update({ where: { id }, data: { alert: reason } });
    e.alert = reason;
    await this.deps.channelChanged(id);
  }

  private async clearAlert(id: string, e: Entry): Promise<void> {
    if (e.alert === null) return;
    await this.deps.db.channel.updateMany({ where: { id, alert: e.alert }, data: { alert: null } });
    e.alert = null;
    await this.deps.channelChanged(id);
  }

  /** The channel's pending operation if every state it needs carries both signatures. */
  private async ready(id: string): Promise<ReadySubmission | null> {
    const { db } = this.deps;
    const channel = await db.channel.findUnique({ where: { id } });
    if (!channel || channel.pendingOp === null || channel.pendingVersion === null || channel.status === "CLOSED")
      return null;
    const op = channel.pendingOp as PendingOp;
    const version = channel.pendingVersion;
    const rows = await db.channelState.findMany({
      where: { channelId: id, version: { in: [version - 1n, version] } },
      orderBy: { version: "asc" },
    });
    const states = rows.map((r) => stateFromRow(r, channel.trader as Address));
    const next = states.find((s) => s.state.version === version);
    if (!next?.traderSignature) return null;
    const previous = states.find((s) => s.state.version === version - 1n) ?? null;
    if (op === "RESIZE" && (!previous?.traderSignature || next.state.intent !== Intent.RESIZE)) return null;
    return { channelId: id as Hex, op, version, previous: op === "CLOSE" ? null : previous, next };
  }

  private send(s: ReadySubmission): Promise<Hex> {
    const { submitter } = this.deps;
    const sigs = (x: StoredState) => ({ trader: x.traderSignature!, exchange: x.exchangeSignature });
    switch (s.op) {
      case "CLOSE":
        return submitter.close(s.next.state, sigs(s.next));
      case "CANCEL":
        // registering the replacement makes the cancelled RESIZE unusable (resize() needs a newer version than the registered one)
        return submitter.checkpoint(s.next.state, sigs(s.next));
      case "RESIZE":
        return submitter.resize(s.previous!.state, sigs(s.previous!), s.next.state, sigs(s.next));
    }
  }
}

function snapshot(e: Entry): SubmissionStatus {
  return {
    op: e.op,
    version: e.version,
    state: e.state,
    attempts: e.attempts,
    lastError: e.lastError,
    nextAttemptAt: e.nextAttemptAt === null ? null : new Date(e.nextAttemptAt),
    txHash: e.txHash,
  };
}
