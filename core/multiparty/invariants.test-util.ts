// The safety invariants every folded state must satisfy, checked from the outside: from the
// statuses and the ops themselves rather than the fold's own bookkeeping (test support).
import type { Address, Hex } from "viem";
import type { OpLog } from "./log";
import type { MultipartyState } from "./state";
import type { KnownDeposits, Op, OpOf } from "./types";

/** The first invariant `state` breaks, or undefined. */
export function invariantViolation(state: MultipartyState, log: OpLog, deposits: KnownDeposits): string | undefined {
  const valid: Op[] = [];
  for (const [id, status] of state.statuses)
    if (status.state === "valid") valid.push({ ...log.ops.get(id)!, id } as unknown as Op);
  const idOf = (op: Op) => (op as Op & { id: Hex }).id;

  for (const b of state.balances)
    if (b.free < 0n || b.locked < 0n || b.withdrawn < 0n)
      return `negative balance ${b.participant} ${b.token}: ${b.free}/${b.locked}`;

  // fills and unlocks never take more than a lock holds
  const taken = new Map<Hex, bigint>();
  const take = (lock: Hex, amount: bigint) => taken.set(lock, (taken.get(lock) ?? 0n) + amount);
  for (const op of valid) {
    if (op.kind === "fill") {
      take(op.makerLock, op.makerAmount);
      take(op.takerLock, op.takerAmount);
    } else if (op.kind === "unlock") take(op.lock, op.amount);
  }
  const lockedByOwner = new Map<string, bigint>();
  for (const op of valid.filter((o): o is OpOf<"lock"> => o.kind === "lock")) {
    const used = taken.get(idOf(op)) ?? 0n;
    if (used > op.amount) return `lock ${idOf(op)} gave ${used} of ${op.amount}`;
    const open = state.locks.find((l) => l.id === idOf(op));
    if ((open?.remaining ?? 0n) !== op.amount - used) return `lock ${idOf(op)} remaining is off`;
    const k = `${op.author}|${op.token}`;
    lockedByOwner.set(k, (lockedByOwner.get(k) ?? 0n) + op.amount - used);
  }
  for (const lock of taken.keys())
    if (!valid.some((o) => o.kind === "lock" && idOf(o) === lock))
      return `a valid op takes from ${lock}, not a valid lock`;
  for (const b of state.balances)
    if ((lockedByOwner.get(`${b.participant}|${b.token}`) ?? 0n) !== b.locked)
      return `locked of ${b.participant} is off`;

  // deposits: each on-chain deposit credited at most once, to its depositor, for its amount
  const used = new Set<Hex>();
  const onChainTotal = new Map<Address, bigint>();
  for (const d of deposits.values()) onChainTotal.set(d.token, (onChainTotal.get(d.token) ?? 0n) + d.amount);
  for (const op of valid) {
    if (op.kind !== "deposit") continue;
    const d = deposits.get(op.depositId);
    if (!d || d.depositor !== op.author || d.amount !== op.amount || used.has(op.depositId))
      return `bad deposit ${op.depositId}`;
    used.add(op.depositId);
  }

  // conservation: per token, everything held = deposited − withdrawn, and no more than came in on chain
  for (const total of state.totals) {
    const held = state.balances.filter((b) => b.token === total.token).reduce((s, b) => s + b.free + b.locked, 0n);
    const out = state.balances.filter((b) => b.token === total.token).reduce((s, b) => s + b.withdrawn, 0n);
    if (held !== total.deposited - total.withdrawn)
      return `${total.token}: held ${held} ≠ ${total.deposited} − ${total.withdrawn}`;
    if (out !== total.withdrawn) return `${total.token}: withdrawn entries ${out} ≠ ${total.withdrawn}`;
    if (total.deposited > (onChainTotal.get(total.token) ?? 0n)) return `${total.token}: more deposited than on chain`;
  }
  for (const b of state.balances)
    if (!state.totals.some((t) => t.token === b.token)) return `balance in ${b.token} with no total`;
  return undefined;
}
