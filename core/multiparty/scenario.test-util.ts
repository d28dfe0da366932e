// Random multi-party scenarios for the property tests (test support, not shipped code): n authors
// write ops on their own views, sync with each other now and then, overspend, cite forged locks
// and deposits, sometimes equivocate; the result is the list of messages they sent.
import { keccak_256 } from "@noble/hashes/sha3.js";
import fc from "fast-check";
import type { Address, Hex } from "viem";
import { bytesToHex } from "../channel/bytes";
import { fold } from "./fold";
import { testChannel } from "./keys.test-util";
import { OpLog } from "./log";
import { signHead } from "./sign";
import type { MultipartyState } from "./state";
import { ZERO_HASH, type ChannelConfig, type Message, type OnChainDeposit, type Op, type OpBody } from "./types";

export const TOKENS: readonly Address[] = [
  "0x1111111111111111111111111111111111111111",
  "0x2222222222222222222222222222222222222222",
];
export const MARKET: Hex = `0x${"4d".repeat(32)}`;
export const DEPOSIT_AMOUNT = 100n;

export interface Step {
  actor: number;
  /** 0..99: picks the action (see `act`) */
  action: number;
  x: number;
  y: number;
  amount: bigint;
  /** write an op the author's own view says is invalid (overspend, forged reference, wrong role) */
  bad: boolean;
}

export const arbStep: fc.Arbitrary<Step> = fc.record({
  actor: fc.nat(63),
  action: fc.nat(99),
  x: fc.nat(63),
  y: fc.nat(63),
  amount: fc.bigInt({ min: 1n, max: 120n }),
  bad: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))),
});

export interface Scenario {
  config: ChannelConfig;
  deposits: ReadonlyMap<Hex, OnChainDeposit>;
  messages: Message[];
  /** how many ops were written (forks included) */
  opCount: number;
}

/** The on-chain deposit j of participant i (two per participant, one per token). */
export function depositId(i: number, j: number): Hex {
  return bytesToHex(keccak_256(new TextEncoder().encode(`deposit ${i} ${j}`)));
}

const id32 = (label: string) => bytesToHex(keccak_256(new TextEncoder().encode(label)));

/** Plays `steps` among n authors; heads are signed every `headEvery` own ops (0: every op signed alone). */
export function buildScenario(n: number, steps: readonly Step[], headEvery: number): Scenario {
  const { config, keys, matcher } = testChannel(n);
  const participants = config.participants;
  const deposits = new Map<Hex, OnChainDeposit>();
  participants.forEach((p, i) =>
    TOKENS.forEach((token, j) => deposits.set(depositId(i, j), { depositor: p, token, amount: DEPOSIT_AMOUNT })),
  );
  const views = participants.map(() => new OpLog(config));
  const own: { id: Hex; op: Op }[][] = participants.map(() => []);
  const states = new Map<number, MultipartyState>();
  const stateOf = (i: number) => {
    let s = states.get(i);
    if (!s) states.set(i, (s = fold(views[i]!, deposits)));
    return s;
  };
  const messages: Message[] = [];
  let opCount = 0;
  const unheaded = participants.map(() => 0);

  const emitHead = (i: number) => {
    const last = own[i]![own[i]!.length - 1]!;
    const head = signHead(
      config.domain,
      { channelId: config.channelId, author: participants[i]!, seq: last.op.seq, head: last.id },
      keys[i]!.privateKey,
    );
    messages.push({ type: "head", head });
    unheaded[i] = 0;
  };

  const write = (i: number, body: OpBody, fork = false) => {
    const author = participants[i]!;
    const chain = own[i]!;
    const seq = fork ? chain.length - 1 : chain.length;
    if (seq < 0) return;
    const prev = seq === 0 ? ZERO_HASH : chain[seq - 1]!.id;
    const deps = stateOf(i)
      .heads.filter((h) => h.author !== author && h.count > 0)
      .map((h) => h.head);
    const op = { channelId: config.channelId, author, seq, prev, deps, ...body } as Op;
    opCount++;
    if (fork) {
      // the second op at this seq goes out signed on its own; the author's view keeps the first
      const scratch = new OpLog(config);
      messages.push({ type: "op", op, signature: scratch.addOwnOp(op, keys[i]!.privateKey).signature });
      return;
    }
    const { id, signature } = views[i]!.addOwnOp(op, keys[i]!.privateKey);
    states.delete(i);
    chain.push({ id, op });
    if (headEvery === 0) messages.push({ type: "op", op, signature });
    else {
      messages.push({ type: "op", op });
      if (++unheaded[i]! >= headEvery) emitHead(i);
    }
  };

  const freeOf = (i: number, token: Address) =>
    stateOf(i).balances.find((b) => b.participant === participants[i] && b.token === token)?.free ?? 0n;

  // everyone starts by crediting its first on-chain deposit, so there is something to spend
  participants.forEach((_, i) =>
    write(i, { kind: "deposit", token: TOKENS[i % 2]!, amount: DEPOSIT_AMOUNT, depositId: depositId(i, i % 2) }),
  );
  const matcherIndex = participants.indexOf(matcher.address);
  const sync = (i: number, from: number) => {
    if (from === i) return;
    views[i]!.mergeFrom(views[from]!);
    states.delete(i);
  };

  for (const step of steps) {
    let i = step.actor % n;
    const a = step.action;
    const token = TOKENS[step.x % 2]!;
    const spend = (available: bigint) =>
      step.bad ? available + 1n + (step.amount % 20n) : step.amount < available ? step.amount : available;
    if (a < 20) sync(i, step.x % n);
    else if (a < 28) {
      const id = step.bad
        ? step.y % 2
          ? id32(`unknown ${step.y}`)
          : depositId((i + 1) % n, step.x % 2)
        : depositId(i, (i + 1) % 2);
      if (!step.bad && own[i]!.some((o) => o.op.kind === "deposit" && o.op.depositId === id)) continue;
      const onChain = deposits.get(id);
      write(i, {
        kind: "deposit",
        token: onChain?.token ?? token,
        amount: onChain?.amount ?? step.amount,
        depositId: id,
      });
    } else if (a < 43) {
      const to = participants[(i + 1 + (step.y % (n - 1))) % n]!;
      if (step.bad) {
        // the race the seed's rule gets wrong: `to` pays i, and i, not having seen it, spends it
        const j = participants.indexOf(to);
        const coin = freeOf(j, TOKENS[0]!) >= freeOf(j, TOKENS[1]!) ? TOKENS[0]! : TOKENS[1]!;
        const credit = freeOf(j, coin) < step.amount ? freeOf(j, coin) : step.amount;
        if (credit > 0n) write(j, { kind: "transfer", to: participants[i]!, token: coin, amount: credit });
        const amount = freeOf(i, coin) + (credit > 1n ? credit / 2n : 1n);
        write(i, { kind: "transfer", to, token: coin, amount });
      } else {
        const amount = spend(freeOf(i, token));
        if (amount > 0n) write(i, { kind: "transfer", to, token, amount });
      }
    } else if (a < 47) {
      const amount = spend(freeOf(i, token));
      if (amount > 0n) write(i, { kind: "withdraw", token, amount });
    } else if (a < 66) {
      const richer = freeOf(i, TOKENS[0]!) >= freeOf(i, TOKENS[1]!) ? TOKENS[0]! : TOKENS[1]!;
      const lockToken = step.y % 3 === 0 ? token : richer;
      const amount = spend(freeOf(i, lockToken));
      const lockMatcher = step.bad && step.y % 2 ? participants[(i + 1) % n]! : matcher.address;
      if (amount > 0n) write(i, { kind: "lock", token: lockToken, amount, matcher: lockMatcher });
    } else if (a < 83) {
      if (!step.bad || step.y % 2 === 0) {
        i = matcherIndex;
        sync(i, step.y % n);
        sync(i, (step.y + 1) % n);
      }
      const locks = stateOf(i).locks.filter((l) => !l.cancelRequested || step.bad);
      const maker = locks[step.x % Math.max(1, locks.length)];
      const others = locks.filter((l) => l !== maker);
      const taker =
        others.find((l) => l.token !== maker?.token && l.owner !== maker?.owner) ??
        others[step.y % Math.max(1, others.length)];
      const take = (remaining: bigint) =>
        step.bad ? remaining + 1n : step.amount < remaining ? step.amount : remaining;
      if (maker && taker && step.y % 6 !== 0)
        write(i, {
          kind: "fill",
          makerLock: maker.id,
          takerLock: taker.id,
          makerAmount: take(maker.remaining),
          takerAmount: take(taker.remaining),
        });
      else if (maker) write(i, { kind: "unlock", lock: maker.id, amount: take(maker.remaining) });
      else if (step.bad) write(i, { kind: "unlock", lock: id32(`no lock ${step.y}`), amount: step.amount });
    } else if (a < 88) {
      const mine = stateOf(i).locks.filter((l) => step.bad || l.owner === participants[i]);
      const lock = mine[step.y % Math.max(1, mine.length)];
      if (lock) write(i, { kind: "cancel", lock: lock.id });
    } else if (a < 92) {
      if (!step.bad) i = matcherIndex;
      write(i, { kind: "mark", market: MARKET, priceE8: 1000n + step.amount });
    } else if (a < 97 || !step.bad) {
      const mark = stateOf(i).marks[0];
      const cited = step.bad ? id32(`no mark ${step.y}`) : mark?.op;
      if (cited) write(i, { kind: "liquidation", account: participants[step.y % n]!, market: MARKET, mark: cited });
    } else {
      // equivocation: a second op at the author's last seq
      write(i, { kind: "transfer", to: participants[(i + 1) % n]!, token, amount: step.amount }, true);
    }
  }
  participants.forEach((_, i) => {
    if (unheaded[i]! > 0) emitHead(i);
  });
  return { config, deposits, messages, opCount };
}
