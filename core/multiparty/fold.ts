/**
 * The deterministic fold: a log (a set of ops and heads) and the on-chain deposits in, the
 * channel's state out. Each author's chain is taken up to its first fork (two different ops or
 * heads at one seq: the author equivocated, and its chain is cut there for everyone) or its
 * first gap; ops are then evaluated in a topological order, each judged by rules.ts in its own
 * causal past only. Since no verdict depends on which topological order is taken, and effects
 * are sums, the state depends on the set alone, never on the order ops were delivered in.
 */
import type { Address, Hex } from "viem";
import { forkWitnesses, type Equivocation } from "./evidence";
import { Ledger } from "./ledger";
import type { OpLog } from "./log";
import { applyOp } from "./rules";
import { refuse } from "./errors";
import { MAX_UINT256, ZERO_HASH, type KnownDeposits, type OnChainDeposit, type Op } from "./types";
import { buildState, type MultipartyState, type OpStatus } from "./state";

interface Link {
  id: Hex;
  op: Op;
}

/** Per author: the seq of its first fork (Infinity if none) and the hashes seen at each seq. */
function findForks(log: OpLog, indexOf: ReadonlyMap<Address, number>, n: number) {
  const hashesAt: Map<number, Set<Hex>>[] = Array.from({ length: n }, () => new Map());
  const note = (author: Address, seq: number, id: Hex) => {
    const at = hashesAt[indexOf.get(author)!]!;
    let set = at.get(seq);
    if (!set) at.set(seq, (set = new Set()));
    set.add(id);
  };
  for (const [id, op] of log.ops) note(op.author, op.seq, id);
  for (const head of log.heads.values()) note(head.author, head.seq, head.head);
  const fork = hashesAt.map((at) => {
    let first = Infinity;
    for (const [seq, set] of at) if (set.size > 1 && seq < first) first = seq;
    return first;
  });
  return { fork, hashesAt };
}

/** The author's accepted chain: seq 0, 1, … below its fork, each linked by prev, up to the first gap. */
function acceptedChain(log: OpLog, at: Map<number, Set<Hex>>, fork: number): Link[] {
  const chain: Link[] = [];
  for (let seq = 0; seq < fork; seq++) {
    const ids = at.get(seq);
    const id = ids && [...ids].find((h) => log.ops.has(h));
    if (!id) break;
    const op = log.ops.get(id)!;
    if (op.prev !== (seq === 0 ? ZERO_HASH : chain[seq - 1]!.id)) break;
    chain.push({ id, op });
  }
  return chain;
}

/** Folds `log` into the channel state; `deposits` are the on-chain deposits known final. */
export function fold(log: OpLog, knownDeposits: KnownDeposits): MultipartyState {
  const { config } = log;
  const deposits = normalizeDeposits(knownDeposits);
  const n = config.participants.length;
  const indexOf = new Map(config.participants.map((p, i) => [p, i] as const));
  const { fork, hashesAt } = findForks(log, indexOf, n);
  const chains = hashesAt.map((at, i) => acceptedChain(log, at, fork[i]!));
  const statuses = new Map<Hex, OpStatus>();
  for (const [id, op] of log.ops)
    statuses.set(id, op.seq >= fork[indexOf.get(op.author)!]! ? { state: "cut" } : { state: "pending" });

  const ledger = new Ledger(config.participants);
  /** inclusive clocks of evaluated ops: [i] = last seq of participant i in the op's past, itself included */
  const clocks = new Map<Hex, Int32Array>();
  const next = new Array<number>(n).fill(0);
  const waiting = Array.from({ length: n }, () => new Set<number>());

  /** Where a dependency points once forks are cut: (participant, seq), "none", or "never" in this log. */
  const resolve = (dep: Hex): { b: number; t: number } | "none" | "never" => {
    const target = log.ops.get(dep);
    if (!target) return "never";
    const b = indexOf.get(target.author)!;
    // a dependency on an op at or past its author's fork counts as one on the author's last op before it
    const t = Math.min(target.seq, fork[b]! - 1);
    if (t < 0) return "none";
    if (t >= chains[b]!.length || (t === target.seq && chains[b]![t]!.id !== dep)) return "never";
    return { b, t };
  };

  /** Evaluates author i's chain as far as its dependencies allow. */
  const advance = (i: number, queue: number[]) => {
    const chain = chains[i]!;
    while (next[i]! < chain.length) {
      const { id, op } = chain[next[i]!]!;
      const clock = new Int32Array(n).fill(-1);
      if (op.seq > 0) mergeClock(clock, clocks.get(op.prev)!);
      for (const dep of op.deps) {
        const to = resolve(dep);
        if (to === "never") return;
        if (to === "none") continue;
        if (next[to.b]! <= to.t) {
          waiting[to.b]!.add(i);
          return;
        }
        mergeClock(clock, clocks.get(chains[to.b]![to.t]!.id)!);
      }
      // the op's strict past: its own chain up to seq − 1 (a later own seq cannot be in it)
      if (clock[i]! >= op.seq) return;
      clock[i] = op.seq - 1;
      const reason = applyOp(op, { config, deposits, ledger, indexOf, past: clock, id, authorIndex: i });
      statuses.set(id, reason ? { state: "invalid", reason } : { state: "valid" });
      clock[i] = op.seq;
      clocks.set(id, clock);
      next[i]!++;
      for (const w of waiting[i]!) queue.push(w);
      waiting[i]!.clear();
    }
  };

  const queue = Array.from({ length: n }, (_, i) => n - 1 - i);
  while (queue.length > 0) advance(queue.pop()!, queue);

  const equivocations: Equivocation[] = [];
  config.participants.forEach((author, i) => {
    if (fork[i] !== Infinity) equivocations.push(forkWitnesses(log, author, fork[i]!, hashesAt[i]!.get(fork[i]!)!));
  });
  const evaluated = chains.map((chain, i) => chain.slice(0, next[i]!));
  return buildState(config, ledger, evaluated, statuses, equivocations);
}

/**
 * The deposits with lower-case ids and addresses; refused (MULTIPARTY_MALFORMED) if an amount is not
 * positive or a token's deposits sum beyond uint256 (true of no real token), so no balance can overflow.
 */
function normalizeDeposits(deposits: KnownDeposits): KnownDeposits {
  const sums = new Map<string, bigint>();
  const out = new Map<Hex, OnChainDeposit>();
  for (const [id, d] of deposits) {
    if (d.amount <= 0n) refuse("MULTIPARTY_MALFORMED", `on-chain deposit ${id} is not positive`, { id });
    const token = d.token.toLowerCase() as Address;
    const sum = (sums.get(token) ?? 0n) + d.amount;
    if (sum > MAX_UINT256) refuse("MULTIPARTY_MALFORMED", `on-chain deposits of ${token} exceed uint256`, { token });
    sums.set(token, sum);
    out.set(id.toLowerCase() as Hex, { depositor: d.depositor.toLowerCase() as Address, token, amount: d.amount });
  }
  return out;
}

function mergeClock(into: Int32Array, from: Int32Array): void {
  for (let k = 0; k < into.length; k++) if (from[k]! > into[k]!) into[k] = from[k]!;
}
