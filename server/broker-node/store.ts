/**
 * The node's B2B tables (prisma/schema.prisma, "Broker node"): load the ledger's state at start,
 * write a Change in one transaction, and finish the copy of engine-journal answers a crash
 * interrupted (the answers are durable with their engine command; see engine-bridge.ts).
 */
import type { Address, Hex } from "viem";
import type { RpcCounter } from "../../core/clearing";
import type { Prisma } from "../../generated/prisma/client";
import type { Db } from "../db";
import { bigintToDecimal, decimalToBigint } from "../db/decimal";
import { decode } from "../engine/codec";
import { Ledger, type Change, type OrderRow, type PeerSeqs } from "./ledger";
import type { PeerConfig } from "./config";

/** Engine idempotency keys whose stored answer is a Change (engine-bridge.ts). */
export const CHANGE_KEY_PREFIX = "b2b:rpc:";

type Tx = Prisma.TransactionClient;

/** Makes sure every configured peer has its row (its url follows the configuration). */
export async function ensurePeers(db: Db, peers: readonly PeerConfig[]): Promise<void> {
  for (const p of peers)
    await db.b2BPeer.upsert({
      where: { address: p.address },
      create: { address: p.address, url: p.url },
      update: { url: p.url },
    });
}

export async function loadLedgerState(db: Db) {
  const last = await db.b2BLogEntry.findFirst({ orderBy: { index: "desc" } });
  const head = last ? { nextIndex: last.index + 1n, head: last.entryHash as Hex } : Ledger.emptyHead();
  const seqs = new Map<string, PeerSeqs>();
  for (const p of await db.b2BPeer.findMany())
    seqs.set(p.address, { lastSeqIn: p.lastSeqIn, lastSeqOut: p.lastSeqOut });
  const counters = new Map<string, RpcCounter[]>();
  for (const m of await db.b2BMeter.findMany({ orderBy: [{ peer: "asc" }, { payer: "asc" }, { kind: "asc" }] })) {
    const list = counters.get(m.peer) ?? [];
    list.push({
      payer: m.payer as Address,
      kind: m.kind,
      calls: m.calls,
      bytesTotal: m.bytesTotal,
      dbReads: m.dbReads,
      dbWrites: m.dbWrites,
      feeAmount: decimalToBigint(m.feeAmount),
    });
    counters.set(m.peer, list);
  }
  return { head, seqs, counters };
}

async function writeIn(tx: Tx, change: Change): Promise<void> {
  if (change.log.length > 0) await tx.b2BLogEntry.createMany({ data: change.log });
  for (const p of change.peers)
    await tx.b2BPeer.update({
      where: { address: p.address },
      data: { lastSeqIn: p.lastSeqIn, lastSeqOut: p.lastSeqOut },
    });
  for (const m of change.meters)
    for (const c of m.counters) {
      const data = {
        calls: c.calls,
        bytesTotal: c.bytesTotal,
        dbReads: c.dbReads,
        dbWrites: c.dbWrites,
        feeAmount: bigintToDecimal(c.feeAmount),
      };
      await tx.b2BMeter.upsert({
        where: { peer_payer_kind: { peer: m.peer, payer: c.payer.toLowerCase(), kind: c.kind } },
        create: { peer: m.peer, payer: c.payer.toLowerCase(), kind: c.kind, ...data },
        update: data,
      });
    }
  for (const o of change.orders) {
    const data = { ...o, remainingBase: bigintToDecimal(o.remainingBase) };
    await tx.b2BOrder.upsert({
      where: { peer_orderId_role: { peer: o.peer, orderId: o.orderId, role: o.role } },
      create: data,
      update: data,
    });
  }
}

/** Writes a change in one transaction, with `effect` (the RPC's own rows) in the same one. */
export async function writeChange(db: Db, change: Change, effect?: (tx: Tx) => Promise<void>): Promise<void> {
  await db.$transaction(async (tx) => {
    await writeIn(tx, change);
    await effect?.(tx);
  });
}

/**
 * Copies an engine-journal answer into the tables, once: skipped when the copy already ran
 * (B2BProjection.journalSeq at or past it).
 */
export async function projectChange(db: Db, journalSeq: bigint, change: Change): Promise<void> {
  await db.$transaction(async (tx) => {
    const done = await tx.b2BProjection.findUnique({ where: { id: 1 } });
    if (done && done.journalSeq >= journalSeq) return;
    await writeIn(tx, change);
    await tx.b2BProjection.upsert({ where: { id: 1 }, create: { id: 1, journalSeq }, update: { journalSeq } });
  });
}

/** Answers the journal holds that the tables do not yet (a crash between the two): in journal order. */
export async function unprojectedChanges(db: Db): Promise<{ seq: bigint; change: Change }[]> {
  const done = (await db.b2BProjection.findUnique({ where: { id: 1 } }))?.journalSeq ?? 0n;
  const rows = await db.idempotencyKey.findMany({
    where: { key: { startsWith: CHANGE_KEY_PREFIX }, seq: { gt: done } },
    orderBy: { seq: "asc" },
  });
  return rows.map((r) => ({ seq: r.seq, change: decode<{ change: Change }>(r.response).change }));
}

/** Orders this node hosts for peers that are still on its book. */
export async function openHostedOrders(db: Db): Promise<OrderRow[]> {
  const rows = await db.b2BOrder.findMany({ where: { role: "host", status: "open" } });
  return rows.map(toOrderRow);
}

export async function findOrder(db: Db, peer: Address, orderId: string, role: OrderRow["role"]) {
  const row = await db.b2BOrder.findUnique({ where: { peer_orderId_role: { peer, orderId, role } } });
  return row ? toOrderRow(row) : null;
}

function toOrderRow(r: {
  peer: string;
  orderId: string;
  role: string;
  market: string;
  side: string;
  engineOrderId: number | null;
  status: string;
  remainingBase: Prisma.Decimal;
}): OrderRow {
  return {
    peer: r.peer as Address,
    orderId: r.orderId,
    role: r.role as OrderRow["role"],
    market: r.market,
    side: r.side as OrderRow["side"],
    engineOrderId: r.engineOrderId,
    status: r.status as OrderRow["status"],
    remainingBase: decimalToBigint(r.remainingBase),
  };
}

/** The peer accepted our envelopes up to `seq`. */
export async function ackSent(db: Db, peer: Address, seq: bigint): Promise<void> {
  await db.b2BPeer.update({ where: { address: peer }, data: { ackedSeqOut: seq } });
}

export async function peerRow(db: Db, peer: Address) {
  return db.b2BPeer.findUnique({ where: { address: peer } });
}

export async function sentEnvelope(db: Db, peer: Address, seq: bigint): Promise<string | null> {
  const row = await db.b2BLogEntry.findUnique({
    where: { peer_direction_seq: { peer, direction: "sent", seq } },
    select: { envelope: true },
  });
  return row?.envelope ?? null;
}
