/**
 * The chain watcher's durable state: its cursor (the newest block whose custody logs are all
 * processed), the recent canonical block hashes it saw (for reorg detection), and every custody
 * log it processed with its status. See docs/CHAIN.md, "The watcher".
 */
import { decodeEventLog, type Hex } from "viem";
import { custodyAbi } from "../../contracts/generated";
import type { CustodyLog } from "../../generated/prisma/client";
import type { Db } from "../db";
import type { CustodyEvent } from "../ports";

/** The cursor row of the custody-contract log stream. */
export const CUSTODY_CURSOR_ID = "custody";

export interface Cursor {
  /** every custody log up to and including this block is processed (deployBlock − 1 at first) */
  lastBlock: bigint;
  /** that block's hash, null before the first range was processed */
  lastBlockHash: Hex | null;
}

export interface BlockRef {
  number: bigint;
  hash: Hex;
}

/** A raw log as the chain returns it, with where it sits. */
export interface RawCustodyLog {
  txHash: Hex;
  logIndex: number;
  blockNumber: bigint;
  blockHash: Hex;
  topics: readonly Hex[];
  data: Hex;
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export async function readCursor(db: Db | Tx, deployBlock: number): Promise<Cursor> {
  const row = await db.chainCursor.findUnique({ where: { id: CUSTODY_CURSOR_ID } });
  if (!row) return { lastBlock: BigInt(deployBlock) - 1n, lastBlockHash: null };
  return { lastBlock: row.lastBlock, lastBlockHash: (row.lastBlockHash as Hex | null) ?? null };
}

/**
 * Moves the cursor forward to `to` and remembers the given canonical blocks, in one transaction;
 * prunes remembered blocks older than `keepFrom`.
 */
export async function advanceCursor(db: Db, to: BlockRef, seen: readonly BlockRef[], keepFrom: bigint): Promise<void> {
  await db.$transaction(async (tx) => {
    for (const block of [...seen, to]) {
      await tx.chainBlock.upsert({
        where: { number: block.number },
        create: { number: block.number, hash: block.hash },
        update: { hash: block.hash, seenAt: new Date() },
      });
    }
    await tx.chainBlock.deleteMany({ where: { number: { lt: keepFrom } } });
    await writeCursor(tx, { lastBlock: to.number, lastBlockHash: to.hash });
  });
}

async function writeCursor(tx: Tx, cursor: Cursor): Promise<void> {
  await tx.chainCursor.upsert({
    where: { id: CUSTODY_CURSOR_ID },
    create: { id: CUSTODY_CURSOR_ID, lastBlock: cursor.lastBlock, lastBlockHash: cursor.lastBlockHash },
    update: { lastBlock: cursor.lastBlock, lastBlockHash: cursor.lastBlockHash },
  });
}

/** Rewinds the cursor to a common ancestor after a reorg: forgets every remembered block above it. */
export async function rewindCursor(db: Db, ancestor: Cursor): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.chainBlock.deleteMany({ where: { number: { gt: ancestor.lastBlock } } });
    await writeCursor(tx, ancestor);
  });
}

/** Remembered canonical blocks, newest first. */
export async function rememberedBlocks(db: Db): Promise<BlockRef[]> {
  const rows = await db.chainBlock.findMany({ orderBy: { number: "desc" } });
  return rows.map((r) => ({ number: r.number, hash: r.hash as Hex }));
}

/** The decoded event of a raw custody log. */
export function toCustodyEvent(log: RawCustodyLog): CustodyEvent {
  const decoded = decodeEventLog({
    abi: custodyAbi,
    topics: log.topics as [Hex, ...Hex[]],
    data: log.data,
    strict: true,
  });
  return {
    name: decoded.eventName,
    args: Object.freeze({ ...(decoded.args as Record<string, unknown>) }),
    txHash: log.txHash,
    logIndex: log.logIndex,
    blockNumber: log.blockNumber,
    blockHash: log.blockHash,
  };
}

export function rowToRawLog(row: CustodyLog): RawCustodyLog {
  return {
    txHash: row.txHash as Hex,
    logIndex: row.logIndex,
    blockNumber: row.blockNumber,
    blockHash: row.blockHash as Hex,
    topics: row.topics as Hex[],
    data: row.data as Hex,
  };
}

/**
 * Records a log as being applied (status APPLYING) unless it already is. Returns
 * "applied" when it was applied before (a replay: skip), "apply" otherwise.
 */
export async function beginApply(db: Db, log: RawCustodyLog, event: CustodyEvent): Promise<"apply" | "applied"> {
  const key = { txHash: log.txHash, logIndex: log.logIndex, blockHash: log.blockHash };
  const existing = await db.custodyLog.findUnique({ where: { txHash_logIndex_blockHash: key } });
  if (existing?.status === "APPLIED") return "applied";
  if (existing) {
    // APPLYING: a previous attempt may have reached the sink (redeliver); REVERTED: its block is canonical again
    if (existing.status === "REVERTED")
      await db.custodyLog.update({ where: { id: existing.id }, data: { status: "APPLYING", revertedAt: null } });
    return "apply";
  }
  const channelId = typeof event.args.channelId === "string" ? event.args.channelId.toLowerCase() : null;
  await db.custodyLog.create({
    data: {
      ...key,
      blockNumber: log.blockNumber,
      eventName: event.name,
      topics: [...log.topics],
      data: log.data,
      channelId,
      status: "APPLYING",
    },
  });
  return "apply";
}

export async function finishApply(db: Db, log: RawCustodyLog): Promise<void> {
  await db.custodyLog.update({
    where: { txHash_logIndex_blockHash: { txHash: log.txHash, logIndex: log.logIndex, blockHash: log.blockHash } },
    data: { status: "APPLIED", appliedAt: new Date() },
  });
}

/** Logs applied (or possibly applied) in blocks above `block`, newest first: what a rewind to `block` reverts. */
export async function liveLogsAbove(db: Db, block: bigint): Promise<CustodyLog[]> {
  return db.custodyLog.findMany({
    where: { blockNumber: { gt: block }, status: { in: ["APPLYING", "APPLIED"] } },
    orderBy: [{ blockNumber: "desc" }, { logIndex: "desc" }],
  });
}

export async function markReverted(db: Db, id: bigint): Promise<void> {
  await db.custodyLog.update({ where: { id }, data: { status: "REVERTED", revertedAt: new Date() } });
}
