/**
 * Channel rows ↔ core/channel types, and the few writes that must be exact: a batch of states
 * in one multi-row INSERT, the per-channel pending-operation lock as one conditional UPDATE.
 */
import type { Address, Hex } from "viem";
import type { ChannelState, Intent, TraderAppData } from "../../core/channel";
import type { Db } from "../db";
import { bigintToDecimal, decimalToBigint } from "../db/decimal";
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
  positions: { market: Hex; sizeE8: string; entryPriceE8: string; markPriceE8: string; collateral: Address; unrealizedPnl: string }[];
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
  return row.fundingTokens.map((token, i) => ({ token: token as Address, total: decimalToBigint(row.fundingTotals[i]!) }));
}

export function fundingColumns(funding: readonly FundingEntry[]) {
  return { fundingTokens: funding.map((f) => f.token.toLowerCase()), fundingTotals: funding.map((f) => bigintToDecimal(f.total)) };
}

/**
 * Stores a batch of new states (any channels) in one multi-row INSERT and moves each channel's
 * latestVersion (and funding, for a RESIZE) in the same transaction.
 */
export async function insertStates(db: Db, states: readonly { stored: Omit<StoredState, "createdAt" | "trader">; funding: readonly FundingEntry[] }[]): Promise<void> {
  if (states.length === 0) return;
  const latest = new Map<string, { version: bigint; funding: readonly FundingEntry[] }>();
  for (const { stored, funding } of states) latest.set(stored.state.channelId, { version: stored.state.version, funding });
  await db.$transaction([
    db.channelState.createMany({ data: states.map((s) => stateRowData(s.stored)) }),
    ...[...latest].map(([id, { version, funding }]) => db.channel.update({ where: { id }, data: { latestVersion: version, ...fundingColumns(funding) } })),
  ]);
}

/** Takes the channel's pending-operation lock; false when another operation holds it (or the channel is not ACTIVE). */
export async function takePendingLock(db: Db, channelId: string, op: "RESIZE" | "CLOSE"): Promise<boolean> {
  const taken = await db.channel.updateMany({ where: { id: channelId, pendingOp: null, status: "ACTIVE" }, data: { pendingOp: op } });
  return taken.count === 1;
}

export async function releasePendingLock(db: Db, channelId: string, op: "RESIZE" | "CLOSE"): Promise<void> {
  await db.channel.updateMany({ where: { id: channelId, pendingOp: op }, data: { pendingOp: null, pendingVersion: null, pendingDebits: undefined } });
}
