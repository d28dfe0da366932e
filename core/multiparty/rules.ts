/**
 * The validity rules, one per op kind, as a function of the op and its causal past (the vector
 * clock `past`: for each participant, the last seq of its chain the author had seen). A valid op
 * is applied to the ledger; an invalid one changes nothing and gets a reason.
 *   - only the owner debits its free balance (withdraw, transfer, lock), and only what it had
 *     in its causal past: credits there can only grow, and all its earlier debits are there;
 *   - only the channel's matcher debits a lock (fill, unlock), so each lock has one writer;
 *   - a fill cites two locks of its causal past, neither cancelled there, and takes at most what
 *     each still holds;
 *   - a deposit cites an on-chain deposit of its author, once.
 */
import type { Address, Hex } from "viem";
import type { Ledger, LockRecord } from "./ledger";
import type { ChannelConfig, KnownDeposits, Op, OpOf } from "./types";

/** Why the fold judged an op invalid (it then has no effect). */
export const INVALID_REASONS = [
  "deposit-unknown",
  "deposit-mismatch",
  "deposit-reused",
  "insufficient-free-balance",
  "transfer-to-self",
  "recipient-not-participant",
  "lock-wrong-matcher",
  "not-matcher",
  "lock-not-in-past",
  "lock-not-owned",
  "same-lock",
  "lock-cancelled",
  "exceeds-lock",
  "account-not-participant",
  "mark-not-in-past",
  "mark-other-market",
] as const;
export type InvalidReason = (typeof INVALID_REASONS)[number];

/** What a rule needs besides the op: the ledger so far and where the op sits. */
export interface RuleContext {
  config: ChannelConfig;
  deposits: KnownDeposits;
  ledger: Ledger;
  indexOf: ReadonlyMap<Address, number>;
  /** the op's causal past */
  past: Int32Array;
  id: Hex;
  authorIndex: number;
}

/** Judges `op` in its causal past; applies it when valid and returns undefined, else the reason. */
export function applyOp(op: Op, ctx: RuleContext): InvalidReason | undefined {
  switch (op.kind) {
    case "deposit":
      return deposit(op, ctx);
    case "withdraw":
    case "transfer":
    case "lock":
      return ownerDebit(op, ctx);
    case "unlock":
      return unlock(op, ctx);
    case "cancel":
      return cancel(op, ctx);
    case "fill":
      return fill(op, ctx);
    case "mark":
      return mark(op, ctx);
    case "liquidation":
      return liquidation(op, ctx);
  }
}

function deposit(op: OpOf<"deposit">, { deposits, ledger, authorIndex }: RuleContext): InvalidReason | undefined {
  const onChain = deposits.get(op.depositId);
  if (!onChain) return "deposit-unknown";
  if (
    onChain.depositor.toLowerCase() !== op.author ||
    onChain.token.toLowerCase() !== op.token ||
    onChain.amount !== op.amount
  )
    return "deposit-mismatch";
  if (ledger.usedDeposits.has(op.depositId)) return "deposit-reused";
  // no overflow: fold() refuses known deposits whose sum per token exceeds uint256
  ledger.usedDeposits.add(op.depositId);
  ledger.deposited.set(op.token, (ledger.deposited.get(op.token) ?? 0n) + op.amount);
  ledger.credit(authorIndex, op.seq, op.author, op.token, op.amount);
  return undefined;
}

function ownerDebit(op: OpOf<"withdraw" | "transfer" | "lock">, ctx: RuleContext): InvalidReason | undefined {
  const { ledger, config } = ctx;
  if (op.kind === "transfer") {
    if (op.to === op.author) return "transfer-to-self";
    if (!ctx.indexOf.has(op.to)) return "recipient-not-participant";
  }
  if (op.kind === "lock" && op.matcher !== config.matcher) return "lock-wrong-matcher";
  if (ledger.freeInPast(op.author, op.token, ctx.past) < op.amount) return "insufficient-free-balance";
  ledger.debit(op.author, op.token, op.amount);
  if (op.kind === "withdraw") ledger.addWithdrawn(op.author, op.token, op.amount);
  else if (op.kind === "transfer") ledger.credit(ctx.authorIndex, op.seq, op.to, op.token, op.amount);
  else {
    ledger.addLocked(op.author, op.token, op.amount);
    ledger.locks.set(ctx.id, {
      id: ctx.id,
      owner: op.author,
      ownerIndex: ctx.authorIndex,
      seq: op.seq,
      token: op.token,
      amount: op.amount,
      remaining: op.amount,
    });
  }
  return undefined;
}

/** The valid lock `id` if it is in the causal past `past`. */
function lockInPast(id: Hex, { ledger, past }: RuleContext): LockRecord | undefined {
  const lock = ledger.locks.get(id);
  return lock && lock.seq <= past[lock.ownerIndex]! ? lock : undefined;
}

/** Takes `amount` out of the lock and credits it, free, to `recipient` (by the matcher's op). */
function release(lock: LockRecord, amount: bigint, recipient: Address, op: Op, ctx: RuleContext): void {
  if (amount === 0n) return;
  lock.remaining -= amount;
  ctx.ledger.addLocked(lock.owner, lock.token, -amount);
  ctx.ledger.credit(ctx.authorIndex, op.seq, recipient, lock.token, amount);
}

function unlock(op: OpOf<"unlock">, ctx: RuleContext): InvalidReason | undefined {
  if (op.author !== ctx.config.matcher) return "not-matcher";
  const lock = lockInPast(op.lock, ctx);
  if (!lock) return "lock-not-in-past";
  if (op.amount > lock.remaining) return "exceeds-lock";
  release(lock, op.amount, lock.owner, op, ctx);
  return undefined;
}

function cancel(op: OpOf<"cancel">, ctx: RuleContext): InvalidReason | undefined {
  const lock = lockInPast(op.lock, ctx);
  if (!lock) return "lock-not-in-past";
  if (lock.owner !== op.author) return "lock-not-owned";
  if (lock.cancelSeq === undefined) lock.cancelSeq = op.seq;
  return undefined;
}

function cancelledInPast(lock: LockRecord, past: Int32Array): boolean {
  return lock.cancelSeq !== undefined && lock.cancelSeq <= past[lock.ownerIndex]!;
}

function fill(op: OpOf<"fill">, ctx: RuleContext): InvalidReason | undefined {
  if (op.author !== ctx.config.matcher) return "not-matcher";
  if (op.makerLock === op.takerLock) return "same-lock";
  const maker = lockInPast(op.makerLock, ctx);
  const taker = lockInPast(op.takerLock, ctx);
  if (!maker || !taker) return "lock-not-in-past";
  if (cancelledInPast(maker, ctx.past) || cancelledInPast(taker, ctx.past)) return "lock-cancelled";
  if (op.makerAmount > maker.remaining || op.takerAmount > taker.remaining) return "exceeds-lock";
  release(maker, op.makerAmount, taker.owner, op, ctx);
  release(taker, op.takerAmount, maker.owner, op, ctx);
  return undefined;
}

function mark(op: OpOf<"mark">, ctx: RuleContext): InvalidReason | undefined {
  if (op.author !== ctx.config.matcher) return "not-matcher";
  const record = { id: ctx.id, seq: op.seq, market: op.market, priceE8: op.priceE8 };
  ctx.ledger.marks.set(ctx.id, record);
  ctx.ledger.latestMark.set(op.market, record);
  return undefined;
}

function liquidation(op: OpOf<"liquidation">, ctx: RuleContext): InvalidReason | undefined {
  if (!ctx.indexOf.has(op.account)) return "account-not-participant";
  const cited = ctx.ledger.marks.get(op.mark);
  const matcherIndex = ctx.indexOf.get(ctx.config.matcher)!;
  if (!cited || cited.seq > ctx.past[matcherIndex]!) return "mark-not-in-past";
  if (cited.market !== op.market) return "mark-other-market";
  ctx.ledger.liquidations.push({ id: ctx.id, op });
  return undefined;
}
