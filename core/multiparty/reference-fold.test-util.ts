// A slow, literal reference of the fold (test support): each op's causal past is enumerated as
// a set of op ids and every balance is recomputed from scratch over it. It shares no bookkeeping
// with fold.ts (no vector clocks, no running sums), only the definitions in MULTIPARTY.md.
import type { Address, Hex } from "viem";
import { forkWitnesses, type Equivocation } from "./evidence";

import type { OpLog } from "./log";
import type { InvalidReason } from "./rules";
import type { BalanceEntry, MultipartyState, OpStatus } from "./state";
import { ZERO_HASH, type KnownDeposits, type Op } from "./types";

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The state fold(log, deposits) must equal, computed the slow way. */
export function referenceFold(log: OpLog, deposits: KnownDeposits): MultipartyState {
  const { config } = log;
  const P = config.participants;
  const hashesAt = new Map<string, Set<Hex>>();
  const at = (a: Address, s: number) => {
    const k = `${a}:${s}`;
    if (!hashesAt.has(k)) hashesAt.set(k, new Set());
    return hashesAt.get(k)!;
  };
  for (const [id, op] of log.ops) at(op.author, op.seq).add(id);
  for (const h of log.heads.values()) at(h.author, h.seq).add(h.head);
  const fork = new Map<Address, number>(P.map((p) => [p, Infinity]));
  for (const [k, set] of hashesAt) {
    const [a, s] = k.split(":") as [Address, string];
    if (set.size > 1 && Number(s) < fork.get(a)!) fork.set(a, Number(s));
  }
  const chain = new Map<Address, Hex[]>();
  for (const p of P) {
    const ids: Hex[] = [];
    for (let s = 0; s < fork.get(p)!; s++) {
      const id = [...(hashesAt.get(`${p}:${s}`) ?? [])].find((h) => log.ops.has(h));
      if (!id || log.ops.get(id)!.prev !== (s === 0 ? ZERO_HASH : ids[s - 1])) break;
      ids.push(id);
    }
    chain.set(p, ids);
  }

  // the strict causal past of each op in an accepted chain, or null while it cannot be known
  const pastMemo = new Map<Hex, Set<Hex> | null>();
  const inProgress = new Set<Hex>();
  const past = (id: Hex): Set<Hex> | null => {
    if (pastMemo.has(id)) return pastMemo.get(id)!;
    if (inProgress.has(id)) return null;
    inProgress.add(id);
    const op = log.ops.get(id)!;
    const parents: Hex[] = op.seq > 0 ? [chain.get(op.author)![op.seq - 1]!] : [];
    let result: Set<Hex> | null = new Set();
    for (const dep of op.deps) {
      const target = log.ops.get(dep);
      if (!target) {
        result = null;
        break;
      }
      const t = Math.min(target.seq, fork.get(target.author)! - 1);
      if (t < 0) continue;
      const ids = chain.get(target.author)!;
      if (t >= ids.length || (t === target.seq && ids[t] !== dep)) {
        result = null;
        break;
      }
      parents.push(ids[t]!);
    }
    for (const parent of result ? parents : []) {
      const above = past(parent);
      if (!above) {
        result = null;
        break;
      }
      result!.add(parent);
      for (const x of above) result!.add(x);
    }
    if (result && [...result].some((x) => log.ops.get(x)!.author === op.author && log.ops.get(x)!.seq >= op.seq))
      result = null;
    inProgress.delete(id);
    pastMemo.set(id, result);
    return result;
  };

  const verdicts = new Map<Hex, InvalidReason | "valid">();
  const validIn = (ids: Iterable<Hex>) =>
    [...ids].filter((x) => verdict(x) === "valid").map((x) => ({ id: x, op: log.ops.get(x)! }));
  const verdict = (id: Hex): InvalidReason | "valid" => {
    if (verdicts.has(id)) return verdicts.get(id)!;
    const v = judge(log.ops.get(id)!, validIn(past(id)!));
    verdicts.set(id, v);
    return v;
  };

  const judge = (op: Op, before: { id: Hex; op: Op }[]): InvalidReason | "valid" => {
    const lockIn = (lock: Hex) => before.find((b) => b.id === lock && b.op.kind === "lock");
    const remaining = (lock: Hex) => {
      const l = lockIn(lock)!.op as Extract<Op, { kind: "lock" }>;
      return l.amount - taken(before, lock);
    };
    switch (op.kind) {
      case "deposit": {
        const d = deposits.get(op.depositId);
        if (!d) return "deposit-unknown";
        if (d.depositor !== op.author || d.token !== op.token || d.amount !== op.amount) return "deposit-mismatch";
        return before.some((b) => b.op.kind === "deposit" && b.op.depositId === op.depositId)
          ? "deposit-reused"
          : "valid";
      }
      case "withdraw":
      case "transfer":
      case "lock":
        if (op.kind === "transfer" && op.to === op.author) return "transfer-to-self";
        if (op.kind === "transfer" && !P.includes(op.to)) return "recipient-not-participant";
        if (op.kind === "lock" && op.matcher !== config.matcher) return "lock-wrong-matcher";
        return freeOf(before, op.author, op.token) < op.amount ? "insufficient-free-balance" : "valid";
      case "unlock":
        if (op.author !== config.matcher) return "not-matcher";
        if (!lockIn(op.lock)) return "lock-not-in-past";
        return op.amount > remaining(op.lock) ? "exceeds-lock" : "valid";
      case "cancel": {
        const lock = lockIn(op.lock);
        if (!lock) return "lock-not-in-past";
        return lock.op.author !== op.author ? "lock-not-owned" : "valid";
      }
      case "fill": {
        if (op.author !== config.matcher) return "not-matcher";
        if (op.makerLock === op.takerLock) return "same-lock";
        if (!lockIn(op.makerLock) || !lockIn(op.takerLock)) return "lock-not-in-past";
        if (before.some((b) => b.op.kind === "cancel" && (b.op.lock === op.makerLock || b.op.lock === op.takerLock)))
          return "lock-cancelled";
        return op.makerAmount > remaining(op.makerLock) || op.takerAmount > remaining(op.takerLock)
          ? "exceeds-lock"
          : "valid";
      }
      case "mark":
        return op.author !== config.matcher ? "not-matcher" : "valid";
      case "liquidation": {
        if (!P.includes(op.account)) return "account-not-participant";
        const mark = before.find((b) => b.id === op.mark && b.op.kind === "mark");
        if (!mark) return "mark-not-in-past";
        return (mark.op as Extract<Op, { kind: "mark" }>).market !== op.market ? "mark-other-market" : "valid";
      }
    }
  };

  // with every verdict known, the effects of a set of valid ops on balances
  const lockOp = (id: Hex) => log.ops.get(id) as Extract<Op, { kind: "lock" }>;
  function effects(
    ops: { id: Hex; op: Op }[],
  ): { participant: Address; token: Address; free: bigint; locked: bigint; withdrawn: bigint }[] {
    const out: { participant: Address; token: Address; free: bigint; locked: bigint; withdrawn: bigint }[] = [];
    const e = (participant: Address, token: Address, free: bigint, locked = 0n, withdrawn = 0n) =>
      out.push({ participant, token, free, locked, withdrawn });
    for (const { id: _id, op } of ops) {
      if (op.kind === "deposit") e(op.author, op.token, op.amount);
      else if (op.kind === "withdraw") e(op.author, op.token, -op.amount, 0n, op.amount);
      else if (op.kind === "transfer") {
        e(op.author, op.token, -op.amount);
        e(op.to, op.token, op.amount);
      } else if (op.kind === "lock") e(op.author, op.token, -op.amount, op.amount);
      else if (op.kind === "unlock") e(lockOp(op.lock).author, lockOp(op.lock).token, op.amount, -op.amount);
      else if (op.kind === "fill") {
        const maker = lockOp(op.makerLock);
        const taker = lockOp(op.takerLock);
        e(maker.author, maker.token, 0n, -op.makerAmount);
        e(taker.author, maker.token, op.makerAmount);
        e(taker.author, taker.token, 0n, -op.takerAmount);
        e(maker.author, taker.token, op.takerAmount);
      }
    }
    return out;
  }
  function freeOf(ops: { id: Hex; op: Op }[], who: Address, token: Address): bigint {
    return effects(ops)
      .filter((x) => x.participant === who && x.token === token)
      .reduce((s, x) => s + x.free, 0n);
  }
  function taken(ops: { id: Hex; op: Op }[], lock: Hex): bigint {
    let sum = 0n;
    for (const { op } of ops) {
      if (op.kind === "unlock" && op.lock === lock) sum += op.amount;
      if (op.kind === "fill" && op.makerLock === lock) sum += op.makerAmount;
      if (op.kind === "fill" && op.takerLock === lock) sum += op.takerAmount;
    }
    return sum;
  }

  const statuses = new Map<Hex, OpStatus>();
  const evaluated: Hex[][] = P.map(() => []);
  for (const [id, op] of log.ops)
    statuses.set(id, op.seq >= fork.get(op.author)! ? { state: "cut" } : { state: "pending" });
  P.forEach((p, i) => {
    for (const id of chain.get(p)!) {
      if (!past(id)) break;
      const v = verdict(id);
      statuses.set(id, v === "valid" ? { state: "valid" } : { state: "invalid", reason: v });
      evaluated[i]!.push(id);
    }
  });
  const valid = validIn(evaluated.flat());
  const sums = new Map<string, BalanceEntry>();
  for (const x of effects(valid)) {
    const k = `${x.participant}|${x.token}`;
    const b = sums.get(k) ?? { participant: x.participant, token: x.token, free: 0n, locked: 0n, withdrawn: 0n };
    sums.set(k, { ...b, free: b.free + x.free, locked: b.locked + x.locked, withdrawn: b.withdrawn + x.withdrawn });
  }
  const balances = [...sums.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([, b]) => b)
    .filter((b) => b.free || b.locked || b.withdrawn);
  const tokens = [
    ...new Set(
      valid
        .filter((v) => v.op.kind === "deposit" || v.op.kind === "withdraw")
        .map((v) => (v.op as { token: Address }).token),
    ),
  ].sort(cmp);
  const sumOf = (kind: "deposit" | "withdraw", token: Address) =>
    valid.reduce((s, v) => (v.op.kind === kind && v.op.token === token ? s + v.op.amount : s), 0n);
  const marks = valid.filter((v) => v.op.kind === "mark").sort((a, b) => a.op.seq - b.op.seq);
  const latest = new Map<Hex, { market: Hex; priceE8: bigint; op: Hex }>();
  for (const m of marks)
    if (m.op.kind === "mark") latest.set(m.op.market, { market: m.op.market, priceE8: m.op.priceE8, op: m.id });
  const equivocations: Equivocation[] = [];
  for (const p of P)
    if (fork.get(p)! !== Infinity)
      equivocations.push(forkWitnesses(log, p, fork.get(p)!, hashesAt.get(`${p}:${fork.get(p)}`)!));
  return {
    channelId: config.channelId,
    balances,
    locks: valid
      .filter((v) => v.op.kind === "lock")
      .map((v) => {
        const op = v.op as Extract<Op, { kind: "lock" }>;
        const cancelRequested = valid.some((c) => c.op.kind === "cancel" && c.op.lock === v.id);
        return {
          id: v.id,
          owner: op.author,
          token: op.token,
          amount: op.amount,
          remaining: op.amount - taken(valid, v.id),
          cancelRequested,
        };
      })
      .filter((l) => l.remaining > 0n)
      .sort((a, b) => cmp(a.id, b.id)),
    totals: tokens.map((token) => ({ token, deposited: sumOf("deposit", token), withdrawn: sumOf("withdraw", token) })),
    marks: [...latest.values()].sort((a, b) => cmp(a.market, b.market)),
    liquidations: P.flatMap((p) =>
      valid
        .filter((v) => v.op.kind === "liquidation" && v.op.author === p)
        .sort((a, b) => a.op.seq - b.op.seq)
        .map((v) => {
          const op = v.op as Extract<Op, { kind: "liquidation" }>;
          return { op: v.id, author: p, account: op.account, market: op.market, mark: op.mark };
        }),
    ),
    heads: P.map((author, i) => ({ author, count: evaluated[i]!.length, head: evaluated[i]!.at(-1) ?? ZERO_HASH })),
    equivocations,
    statuses,
    evaluated: evaluated.flat(),
  };
}
