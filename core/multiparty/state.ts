/**
 * The folded state of a multi-party channel, in canonical order (every list sorted), and its
 * hash: two replicas agree exactly when their state hashes agree.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Address, Hex } from "viem";
import { bytesToHex } from "../channel/bytes";
import type { Equivocation } from "./evidence";
import type { InvalidReason } from "./rules";
import type { Ledger } from "./ledger";
import { ZERO_HASH, type ChannelConfig, type Op } from "./types";

/** What the fold made of one op of the log. */
export type OpStatus =
  | { state: "valid" }
  | { state: "invalid"; reason: InvalidReason }
  /** waits for an op not in the log yet (a gap in a chain, or a dependency not delivered) */
  | { state: "pending" }
  /** at or past its author's fork: ignored by everyone */
  | { state: "cut" };

/** One participant's holdings of one token (base units); leaves of the balances root. */
export interface BalanceEntry {
  participant: Address;
  token: Address;
  free: bigint;
  locked: bigint;
  /** withdrawn through withdraw ops so far (paid out on chain at settlement) */
  withdrawn: bigint;
}

export interface LockEntry {
  id: Hex;
  owner: Address;
  token: Address;
  amount: bigint;
  remaining: bigint;
  cancelRequested: boolean;
}

/** Per token: what valid deposit ops credited and withdraw ops debited; held = deposited − withdrawn. */
export interface TokenTotal {
  token: Address;
  deposited: bigint;
  withdrawn: bigint;
}

/** An author's chain as the fold used it: `count` ops, the last one `head` (ZERO_HASH if none). */
export interface ChainHead {
  author: Address;
  count: number;
  head: Hex;
}

export interface MultipartyState {
  channelId: Hex;
  /** sorted by participant, then token; pairs with nothing (all three zero) left out */
  balances: BalanceEntry[];
  /** locks with something left, sorted by id */
  locks: LockEntry[];
  totals: TokenTotal[];
  /** the matcher's latest mark per market, sorted by market */
  marks: { market: Hex; priceE8: bigint; op: Hex }[];
  /** valid liquidation requests, by author (participant order) then seq */
  liquidations: { op: Hex; author: Address; account: Address; market: Hex; mark: Hex }[];
  /** one per participant, in participant order */
  heads: ChainHead[];
  equivocations: Equivocation[];
  statuses: ReadonlyMap<Hex, OpStatus>;
  /** every op the fold evaluated (valid or invalid), by participant order then seq */
  evaluated: Hex[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const splitKey = (k: string) => k.split("|") as [Address, Address];

/** Assembles the sorted state from the fold's ledger and chains. */
export function buildState(
  config: ChannelConfig,
  ledger: Ledger,
  evaluated: { id: Hex; op: Op }[][],
  statuses: ReadonlyMap<Hex, OpStatus>,
  equivocations: Equivocation[],
): MultipartyState {
  const keys = new Set([...ledger.free.keys(), ...ledger.locked.keys(), ...ledger.withdrawn.keys()]);
  const balances = [...keys]
    .sort(cmp)
    .map((k) => {
      const [participant, token] = splitKey(k);
      return {
        participant,
        token,
        free: ledger.free.get(k) ?? 0n,
        locked: ledger.locked.get(k) ?? 0n,
        withdrawn: ledger.withdrawn.get(k) ?? 0n,
      };
    })
    .filter((b) => b.free !== 0n || b.locked !== 0n || b.withdrawn !== 0n);
  const tokens = [...new Set([...ledger.deposited.keys(), ...ledger.withdrawnTotal.keys()])].sort(cmp);
  const order = new Map(config.participants.map((p, i) => [p, i] as const));
  return {
    channelId: config.channelId,
    balances,
    locks: [...ledger.locks.values()]
      .filter((l) => l.remaining > 0n)
      .sort((a, b) => cmp(a.id, b.id))
      .map((l) => ({
        id: l.id,
        owner: l.owner,
        token: l.token,
        amount: l.amount,
        remaining: l.remaining,
        cancelRequested: l.cancelSeq !== undefined,
      })),
    totals: tokens.map((token) => ({
      token,
      deposited: ledger.deposited.get(token) ?? 0n,
      withdrawn: ledger.withdrawnTotal.get(token) ?? 0n,
    })),
    marks: [...ledger.latestMark.values()]
      .sort((a, b) => cmp(a.market, b.market))
      .map((m) => ({ market: m.market, priceE8: m.priceE8, op: m.id })),
    liquidations: [...ledger.liquidations]
      .sort((a, b) => order.get(a.op.author)! - order.get(b.op.author)! || a.op.seq - b.op.seq)
      .map(({ id, op }) => ({ op: id, author: op.author, account: op.account, market: op.market, mark: op.mark })),
    heads: config.participants.map((author, i) => {
      const chain = evaluated[i]!;
      return { author, count: chain.length, head: chain.length > 0 ? chain[chain.length - 1]!.id : ZERO_HASH };
    }),
    equivocations,
    statuses,
    evaluated: evaluated.flatMap((chain) => chain.map((link) => link.id)),
  };
}

/** keccak of a canonical text of the whole state: equal states, equal hashes. */
export function stateHash(state: MultipartyState): Hex {
  const statuses = [...state.statuses.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([id, s]) => `${id}:${s.state}${s.state === "invalid" ? `:${s.reason}` : ""}`);
  const text = JSON.stringify(
    {
      ...state,
      equivocations: state.equivocations.map((e) => [e.author, e.seq, e.first.hash, e.second.hash]),
      statuses,
    },
    (_, value) => (typeof value === "bigint" ? value.toString() : value),
  );
  return bytesToHex(keccak_256(new TextEncoder().encode(text)));
}
