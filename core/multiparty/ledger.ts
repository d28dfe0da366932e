/**
 * The fold's working memory: what each author's valid ops credited to whom (cumulative along
 * the author's chain, so a causal past given as a vector clock can be summed), each owner's
 * debits, the locks, and the running totals. Only rules.ts writes it.
 */
import type { Address, Hex } from "viem";
import type { Op } from "./types";

/** A valid lock as the fold tracks it; `remaining` falls with the matcher's fills and unlocks. */
export interface LockRecord {
  id: Hex;
  owner: Address;
  ownerIndex: number;
  seq: number;
  token: Address;
  amount: bigint;
  remaining: bigint;
  /** the owner's seq of its first valid cancel request, if any */
  cancelSeq?: number;
}

export interface MarkRecord {
  id: Hex;
  seq: number;
  market: Hex;
  priceE8: bigint;
}

interface Cumulative {
  seqs: number[];
  sums: bigint[];
}

const key = (a: string, b: string) => `${a}|${b}`;

/** The fold's running sums and records (see the module doc). */
export class Ledger {
  /** credits by author index → `${recipient}|${token}` → cumulative sums along the author's chain */
  private readonly credits: Map<string, Cumulative>[];
  /** `${owner}|${token}` → everything the owner's valid ops debited from its free balance */
  private readonly debits = new Map<string, bigint>();
  readonly free = new Map<string, bigint>();
  readonly locked = new Map<string, bigint>();
  readonly withdrawn = new Map<string, bigint>();
  readonly deposited = new Map<Address, bigint>();
  readonly withdrawnTotal = new Map<Address, bigint>();
  readonly locks = new Map<Hex, LockRecord>();
  readonly marks = new Map<Hex, MarkRecord>();
  readonly latestMark = new Map<Hex, MarkRecord>();
  readonly usedDeposits = new Set<Hex>();
  readonly liquidations: { id: Hex; op: Extract<Op, { kind: "liquidation" }> }[] = [];

  constructor(readonly participants: readonly Address[]) {
    this.credits = participants.map(() => new Map());
  }

  /** Adds `amount` of `token` to `recipient`'s free balance, credited by `authorIndex`'s op at `seq`. */
  credit(authorIndex: number, seq: number, recipient: Address, token: Address, amount: bigint): void {
    const k = key(recipient, token);
    let cumulative = this.credits[authorIndex]!.get(k);
    if (!cumulative) this.credits[authorIndex]!.set(k, (cumulative = { seqs: [], sums: [] }));
    const last = cumulative.sums.length === 0 ? 0n : cumulative.sums[cumulative.sums.length - 1]!;
    if (cumulative.seqs[cumulative.seqs.length - 1] === seq)
      cumulative.sums[cumulative.sums.length - 1] = last + amount;
    else {
      cumulative.seqs.push(seq);
      cumulative.sums.push(last + amount);
    }
    add(this.free, k, amount);
  }

  /** Takes `amount` of `token` from `owner`'s free balance (the caller checked it is there). */
  debit(owner: Address, token: Address, amount: bigint): void {
    add(this.debits, key(owner, token), amount);
    add(this.free, key(owner, token), -amount);
  }

  /** `owner`'s free balance of `token` in the causal past `clock` (clock[i]: last seq of participant i seen). */
  freeInPast(owner: Address, token: Address, clock: Int32Array): bigint {
    const k = key(owner, token);
    let sum = -(this.debits.get(k) ?? 0n);
    for (let i = 0; i < this.credits.length; i++) {
      const upTo = clock[i]!;
      if (upTo < 0) continue;
      const cumulative = this.credits[i]!.get(k);
      if (cumulative) sum += sumUpTo(cumulative, upTo);
    }
    return sum;
  }

  /** Adds (or with a negative amount, takes) `amount` to what `owner` has locked in `token`. */
  addLocked(owner: Address, token: Address, amount: bigint): void {
    add(this.locked, key(owner, token), amount);
  }

  /** Records a valid withdraw: the owner's cumulative withdrawn and the token's total. */
  addWithdrawn(owner: Address, token: Address, amount: bigint): void {
    add(this.withdrawn, key(owner, token), amount);
    this.withdrawnTotal.set(token, (this.withdrawnTotal.get(token) ?? 0n) + amount);
  }
}

function add(map: Map<string, bigint>, k: string, amount: bigint): void {
  map.set(k, (map.get(k) ?? 0n) + amount);
}

/** The cumulative sum at the last entry with seq ≤ upTo (binary search). */
function sumUpTo(cumulative: Cumulative, upTo: number): bigint {
  let lo = 0;
  let hi = cumulative.seqs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative.seqs[mid]! <= upTo) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0n : cumulative.sums[lo - 1]!;
}
