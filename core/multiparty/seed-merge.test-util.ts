// Seed 001's merge rule, for the negative control (test support, never shipped): "merge the op
// logs, recalculate balances in causal order, ignore invalid transfers". It is given every
// advantage the real fold has (authenticated ops, duplicates dropped, causal order respected);
// what it keeps is its rule: an op is judged against the balances of whatever was applied
// before it here, and concurrent ops are applied in the order this replica received them.
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Hex } from "viem";
import { bytesToHex } from "../channel/bytes";
import type { OpLog } from "./log";
import { ZERO_HASH, type KnownDeposits, type Op } from "./types";

/** Balances (`participant|token` → free, locked) after the seed's recalculation over `log` in arrival order. */
export function seedBalances(log: OpLog, deposits: KnownDeposits): Map<string, { free: bigint; locked: bigint }> {
  // log.ops keeps insertion order: the order this replica received (authenticated) ops in
  const arrived = [...log.ops.entries()];
  const done = new Set<Hex>();
  const order: [Hex, Op][] = [];
  let progress = true;
  while (progress) {
    progress = false;
    for (const [id, op] of arrived) {
      if (done.has(id)) continue;
      if ((op.prev !== ZERO_HASH && !done.has(op.prev)) || op.deps.some((d) => !done.has(d))) continue;
      done.add(id);
      order.push([id, op]);
      progress = true;
      break; // restart: the earliest-arrived ready op goes next
    }
  }
  const balances = new Map<string, { free: bigint; locked: bigint }>();
  const at = (who: string, token: string) => {
    const k = `${who}|${token}`;
    if (!balances.has(k)) balances.set(k, { free: 0n, locked: 0n });
    return balances.get(k)!;
  };
  const locks = new Map<Hex, { owner: string; token: string; remaining: bigint }>();
  const used = new Set<Hex>();
  for (const [id, op] of order) {
    switch (op.kind) {
      case "deposit": {
        const d = deposits.get(op.depositId);
        if (
          d &&
          d.depositor === op.author &&
          d.amount === op.amount &&
          d.token === op.token &&
          !used.has(op.depositId)
        ) {
          used.add(op.depositId);
          at(op.author, op.token).free += op.amount;
        }
        break;
      }
      case "transfer":
      case "withdraw":
      case "lock": {
        const from = at(op.author, op.token);
        if (from.free < op.amount) break; // "Invalid transfers are ignored"
        if (op.kind === "transfer" && op.to === op.author) break;
        if (op.kind === "lock" && op.matcher !== log.config.matcher) break;
        from.free -= op.amount;
        if (op.kind === "transfer") at(op.to, op.token).free += op.amount;
        if (op.kind === "lock") {
          from.locked += op.amount;
          locks.set(id, { owner: op.author, token: op.token, remaining: op.amount });
        }
        break;
      }
      case "unlock": {
        const lock = locks.get(op.lock);
        if (op.author !== log.config.matcher || !lock || lock.remaining < op.amount) break;
        lock.remaining -= op.amount;
        at(lock.owner, lock.token).locked -= op.amount;
        at(lock.owner, lock.token).free += op.amount;
        break;
      }
      case "fill": {
        const maker = locks.get(op.makerLock);
        const taker = locks.get(op.takerLock);
        if (op.author !== log.config.matcher || !maker || !taker || maker === taker) break;
        if (maker.remaining < op.makerAmount || taker.remaining < op.takerAmount) break;
        maker.remaining -= op.makerAmount;
        taker.remaining -= op.takerAmount;
        at(maker.owner, maker.token).locked -= op.makerAmount;
        at(taker.owner, maker.token).free += op.makerAmount;
        at(taker.owner, taker.token).locked -= op.takerAmount;
        at(maker.owner, taker.token).free += op.takerAmount;
        break;
      }
      default:
        break;
    }
  }
  return balances;
}

/** A hash of the seed's balances (zero entries left out), to compare replicas. */
export function seedStateHash(log: OpLog, deposits: KnownDeposits): Hex {
  const entries = [...seedBalances(log, deposits).entries()]
    .filter(([, b]) => b.free !== 0n || b.locked !== 0n)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, b]) => `${k}:${b.free}:${b.locked}`);
  return bytesToHex(keccak_256(new TextEncoder().encode(entries.join("\n"))));
}
