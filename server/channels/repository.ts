/**
 * Channel rows ↔ core/channel types, and the few writes that must be exact: a batch of states
 * in one multi-row INSERT, the per-channel pending-operation lock as one conditional UPDATE.
 */
import type { Address, Hex } from "viem";
import type { ChannelState, Intent, TraderAppData } from "../../core/channel";
import type { Db } from "../db";
import { bigintToDecimal, decimalToBigint } from "../db/decimal";
import { execute } from "../db/execute";
import type { Prisma } from "../../generated/prisma/client";

export interface FundingEntry {
  token: Address;
  total: bigint;
}

/** A stored state: what was signed, with both signatures when the trader co-signed. */
export interface StoredState {
  trader: Address;
  state: ChannelState;
  appData: TraderAppData;
  stateHash: Hex;
  exchangeSignature: Hex;
  traderSignature: Hex | null;
  createdAt: Date;
}

type StateRow = Prisma.ChannelStateGetPayload<object>;

export function appDataToJson(data: TraderAppData): Prisma.InputJsonValue {
  return {
    journalSeq: data.journalSeq.toString(),
    markTime: data.markTime.toString(),
    fees: data.fees.map((f) => ({ token: f.token, paid: f.paid.toString() })),
    positions: data.positions.map((p) => ({
      market: p.market,
      sizeE8: p.sizeE8.toString(),
      entryPriceE8: p.entryPriceE8.toString(),
      markPriceE8: p.markPriceE8.toString(),
      collateral: p.collateral,
      unrealizedPnl: p.unrealizedPnl.toString(),
    })),
  };
}

interface AppDataJson {
  journalSeq: string;
  markTime: string;
  fees: { token: Address; paid: string }[];
  positions: {
    market: Hex;
    sizeE8: string;
    entryPriceE8: string;
    markPriceE8: string;
    collateral: Address;
    unrealizedPnl: string;
  }[];
}

export function appDataFromJson(json: unknown): TraderAppData {
  const j = json as AppDataJson;
  return {
    journalSeq: BigInt(j.journalSeq),
    markTime: BigInt(j.markTime),
    fees: j.fees.map((f) => ({ token: f.token, paid: BigInt(f.paid) })),
    positions: j.positions.map((p) => ({
      market: p.market,
      sizeE8: BigInt(p.sizeE8),
      entryPriceE8: BigInt(p.entryPriceE8),
      markPriceE8: BigInt(p.markPriceE8),
      collateral: p.collateral,
      unrealizedPnl: BigInt(p.unrealizedPnl),
    })),
  };
}

export function stateFromRow(row: StateRow, trader: Address): StoredState {
  return {
    trader,
    state: {
      channelId: row.channelId as Hex,
      version: row.version,
      intent: row.intent as Intent,
      allocations: row.allocationTokens.map((token, i) => ({
        token: token as Address,
        traderAmount: decimalToBigint(row.traderAmounts[i]!),
        exchangeAmount: decimalToBigint(row.exchangeAmounts[i]!),
      })),
      appDataHash: row.appDataHash as Hex,
    },
    appData: appDataFromJson(row.appData),
    stateHash: row.stateHash as Hex,
    exchangeSignature: row.exchangeSignature as Hex,
    traderSignature: (row.traderSignature as Hex | null) ?? null,
    createdAt: row.createdAt,
  };
}

export function stateRowData(s: Omit<StoredState, "createdAt" | "trader">): Prisma.ChannelStateCreateManyInput {
  return {
    channelId: s.state.channelId,
    version: s.state.version,
    intent: s.state.intent,
    allocationTokens: s.state.allocations.map((a) => a.token.toLowerCase()),
    traderAmounts: s.state.allocations.map((a) => bigintToDecimal(a.traderAmount)),
    exchangeAmounts: s.state.allocations.map((a) => bigintToDecimal(a.exchangeAmount)),
    appData: appDataToJson(s.appData),
    appDataHash: s.state.appDataHash,
    stateHash: s.stateHash,
    exchangeSignature: s.exchangeSignature,
    traderSignature: s.traderSignature,
  };
}

export function fundingFromRow(row: { fundingTokens: string[]; fundingTotals: Prisma.Decimal[] }): FundingEntry[] {
  return row.fundingTokens.map((token, i) => ({
    token: token as Address,
    total: decimalToBigint(row.fundingTotals[i]!),
  }));
}

export function fundingColumns(funding: readonly FundingEntry[]) {
  return {
    fundingTokens: funding.map((f) => f.token.toLowerCase()),
    fundingTotals: funding.map((f) => bigintToDecimal(f.total)),
  };
}

/** A round's UPDATE found a channel whose latestVersion was not the one the round built on. */
export class StaleRoundError extends Error {
  constructor(expected: number) {
    super(`issuance round: not all of its ${expected} channels were at the version the round built on`);
  }
}

// One statement whatever the number of channels: arrays bound through unnest, the states as one
// JSON parameter (a state's allocations are arrays themselves, which unnest would flatten).
/**
 * The round as ONE statement: the UPDATE (a data-modifying CTE) moves every channel's
 * latestVersion, guarded by the version its new state was built on, and the INSERT stores every
 * state only if the UPDATE moved all of them — otherwise clearline_check (migration
 * channel_round_check) raises and the whole statement, UPDATE included, is undone.
 */
const STALE_ROUND = "clearline: stale issuance round";
const COMMIT_ROUND = `WITH moved AS (
  UPDATE "Channel" AS c
     SET "latestVersion" = u.version, "needsTopUp" = c."needsTopUp" OR u.top, "updatedAt" = now() AT TIME ZONE 'UTC'
    FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::boolean[]) AS u(id, previous, version, top)
   WHERE c."id" = u.id AND c."latestVersion" = u.previous
  RETURNING c."id")
INSERT INTO "ChannelState" ("channelId", "version", "intent", "allocationTokens", "traderAmounts", "exchangeAmounts", "appData", "appDataHash", "stateHash", "exchangeSignature", "traderSignature")
  SELECT s.cid, s.v, s.i, s.tokens, s.traders, s.exchanges, s.app, s.apph, s.h, s.xsig, NULL
    FROM jsonb_to_recordset($5::jsonb) AS s(cid text, v bigint, i int, tokens text[], traders numeric[], exchanges numeric[], app jsonb, apph text, h text, xsig text)
   WHERE clearline_check((SELECT count(*) FROM moved) = $6::int, '${STALE_ROUND}')`;

/**
 * Stores one issuance round — a new exchange-signed state for any number of channels — in ONE
 * statement (COMMIT_ROUND): every channel's latestVersion moves (and needsTopUp is set where
 * asked), guarded by the version the state was built on, and every state is stored. A channel
 * not at its expected version (the caller's view was stale) fails the whole round with
 * StaleRoundError and nothing is written.
 */
export async function commitRound(
  db: Db,
  states: readonly {
    stored: Omit<StoredState, "createdAt" | "trader">;
    previousVersion: bigint;
    needsTopUp: boolean;
  }[],
): Promise<void> {
  if (states.length === 0) return;
  const ids: string[] = [];
  const previous: string[] = [];
  const versions: string[] = [];
  const tops: string[] = [];
  const rows = [];
  for (const { stored, previousVersion, needsTopUp } of states) {
    const s = stored.state;
    ids.push(s.channelId);
    previous.push(previousVersion.toString());
    versions.push(s.version.toString());
    tops.push(needsTopUp ? "true" : "false");
    rows.push({
      cid: s.channelId,
      v: s.version.toString(),
      i: s.intent,
      tokens: s.allocations.map((a) => a.token.toLowerCase()),
      traders: s.allocations.map((a) => a.traderAmount.toString()),
      exchanges: s.allocations.map((a) => a.exchangeAmount.toString()),
      app: appDataToJson(stored.appData),
      apph: s.appDataHash,
      h: stored.stateHash,
      xsig: stored.exchangeSignature,
    });
  }
  const json = JSON.stringify(rows);
  try {
    await execute(db, COMMIT_ROUND, [ids, previous, versions, tops, json, states.length]);
  } catch (error) {
    if (String((error as Error).message).includes(STALE_ROUND)) throw new StaleRoundError(states.length);
    throw error;
  }
}

/**
 * What the exchange has promised from its free custody balance of `token` but the chain has not
 * debited yet: unexpired OPENING channels' INITIALIZE states (debited when each trader's
 * depositAndOpen is mined; an opening stops reserving at its `openingExpiresAt`, opening-policy.ts)
 * and pending top-ups (RESIZE states that raise the exchange's amount, debited when the resize is
 * mined; counted until the watcher's ChannelResized releases the lock, so between mining and that
 * event it is counted twice — in the exchange's favour). prepareOpen and a top-up subtract it
 * before promising coverage, the fee withdrawal before taking tokens; all run under the coverage
 * lock (coverage-lock.ts). (The name predates top-ups; the admin fee withdrawal imports it.)
 */
export async function reservedForOpening(db: Db, token: string, now: Date = new Date()): Promise<bigint> {
  const key = token.toLowerCase();
  return (await reservedByOpenings(db, key, now)) + (await reservedForTopUps(db, key));
}

/** The unexpired OPENING channels' part of reservedForOpening: what their INITIALIZE states promise in `token`. */
export async function reservedByOpenings(db: Db, token: string, now: Date = new Date()): Promise<bigint> {
  const key = token.toLowerCase();
  const rows = await db.channelState.findMany({
    where: {
      version: 0n,
      channel: { status: "OPENING", OR: [{ openingExpiresAt: null }, { openingExpiresAt: { gt: now } }] },
      allocationTokens: { has: key },
    },
    select: { allocationTokens: true, exchangeAmounts: true },
  });
  let sum = 0n;
  for (const row of rows) sum += decimalToBigint(row.exchangeAmounts[row.allocationTokens.indexOf(key)]!);
  return sum;
}

/** The exchange's share of pending RESIZE states above their predecessors' in `token` (lower case): what pending top-ups will lock. */
async function reservedForTopUps(db: Db, key: string): Promise<bigint> {
  const pending = await db.channel.findMany({
    where: {
      pendingOp: "RESIZE",
      pendingVersion: { not: null },
      status: { not: "CLOSED" },
      fundingTokens: { has: key },
    },
    select: { id: true, pendingVersion: true },
  });
  if (pending.length === 0) return 0n;
  const states = await db.channelState.findMany({
    where: {
      OR: pending.map((c) => ({ channelId: c.id, version: { in: [c.pendingVersion! - 1n, c.pendingVersion!] } })),
    },
    select: { channelId: true, version: true, allocationTokens: true, exchangeAmounts: true },
  });
  const exchangeAmount = (channelId: string, version: bigint): bigint | null => {
    const row = states.find((s) => s.channelId === channelId && s.version === version);
    if (!row) return null;
    const i = row.allocationTokens.indexOf(key);
    return i < 0 ? 0n : decimalToBigint(row.exchangeAmounts[i]!);
  };
  let sum = 0n;
  for (const c of pending) {
    const after = exchangeAmount(c.id, c.pendingVersion!);
    const before = exchangeAmount(c.id, c.pendingVersion! - 1n);
    if (after !== null && before !== null && after > before) sum += after - before;
  }
  return sum;
}

/** Takes the channel's pending-operation lock; false when another operation holds it (or the channel is not ACTIVE). */
export async function takePendingLock(db: Db, channelId: string, op: "RESIZE" | "CLOSE"): Promise<boolean> {
  const taken = await db.channel.updateMany({
    where: { id: channelId, pendingOp: null, status: "ACTIVE" },
    data: { pendingOp: op },
  });
  return taken.count === 1;
}

export async function releasePendingLock(db: Db, channelId: string, op: "RESIZE" | "CLOSE"): Promise<void> {
  await db.channel.updateMany({
    where: { id: channelId, pendingOp: op },
    data: { pendingOp: null, pendingVersion: null, pendingDebits: undefined },
  });
}
