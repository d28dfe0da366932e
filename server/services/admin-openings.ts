/**
 * Ops console, what openings and reorgs do to the exchange's custody (SECURITY.md attacks 16, 20):
 * - the coverage OPENING channels and pending top-ups reserve per token (the solvency view shows
 *   it beside the free balance: a reservation is coverage new opens, top-ups and fee withdrawals
 *   cannot have);
 * - releasing an OPENING channel nobody funded (audited `channel.release_opening`);
 * - the reorg shortfalls: deposits reorged out after they were traded, what could not be taken
 *   back (server/channels/reorg-takeback.ts).
 */
import { reservedByOpenings, reservedForOpening } from "../channels/repository";
import type { ChannelService } from "../channels/service";
import type { Db } from "../db";
import { decimalToBigint } from "../db/decimal";
import { toAuditJson } from "./audit";

export interface Reservation {
  /** base units promised by unexpired OPENING channels' INITIALIZE states */
  openings: bigint;
  /** base units promised by pending top-ups */
  topUps: bigint;
  /** unexpired OPENING channels holding some of `openings` */
  openingChannels: number;
}

/** What openings and pending top-ups reserve of the exchange's free custody balance of `token` now. */
export async function reservation(db: Db, token: string, now: Date): Promise<Reservation> {
  const key = token.toLowerCase();
  const [openings, all, openingChannels] = await Promise.all([
    reservedByOpenings(db, key, now),
    reservedForOpening(db, key, now),
    db.channel.count({
      where: {
        status: "OPENING",
        fundingTokens: { has: key },
        OR: [{ openingExpiresAt: null }, { openingExpiresAt: { gt: now } }],
      },
    }),
  ]);
  return { openings, topUps: all - openings, openingChannels };
}

export interface ShortfallRow {
  id: bigint;
  channelId: string;
  trader: string;
  asset: string;
  token: string;
  owed: bigint;
  takenBack: bigint;
  shortfall: bigint;
  event: string;
  txHash: string;
  logIndex: number;
  createdAt: Date;
}

/** Reorg shortfalls, newest first, and their sum per asset (engine symbol). */
export async function reorgShortfalls(
  db: Db,
  limit = 50,
): Promise<{ rows: ShortfallRow[]; totals: Map<string, { shortfall: bigint; count: number }> }> {
  const [rows, grouped] = await Promise.all([
    db.channelShortfall.findMany({ orderBy: { id: "desc" }, take: limit }),
    db.channelShortfall.groupBy({ by: ["asset"], _sum: { shortfall: true }, _count: { _all: true } }),
  ]);
  const totals = new Map<string, { shortfall: bigint; count: number }>();
  for (const g of grouped)
    totals.set(g.asset, {
      shortfall: g._sum.shortfall === null ? 0n : decimalToBigint(g._sum.shortfall),
      count: g._count._all,
    });
  return {
    rows: rows.map((r) => ({
      id: r.id,
      channelId: r.channelId,
      trader: r.trader,
      asset: r.asset,
      token: r.token,
      owed: decimalToBigint(r.owed),
      takenBack: decimalToBigint(r.takenBack),
      shortfall: decimalToBigint(r.shortfall),
      event: r.event,
      txHash: r.txHash,
      logIndex: r.logIndex,
      createdAt: r.createdAt,
    })),
    totals,
  };
}

/**
 * Release an OPENING channel nobody funded: its coverage is no longer reserved and its trader
 * may prepare another channel. The change and its audit row are one transaction. Refusals come
 * from the channel service (CHANNEL_NOT_FOUND, CHANNEL_NOT_OPENING, OPENING_FUNDED_ON_CHAIN).
 */
export async function releaseOpening(
  db: Db,
  channels: ChannelService,
  actor: string,
  channelId: string,
  reason: string,
): Promise<{
  channelId: string;
  trader: string;
  released: { token: string; amount: bigint }[];
  releasedAt: Date;
  auditId: bigint;
}> {
  let auditId: bigint | null = null;
  const released = await channels.releaseOpening(channelId, reason, async (tx, r) => {
    // the audit row in the release's own transaction (as audited() does): the release and its record commit together
    const row = await tx.auditLog.create({
      data: {
        actor,
        action: "channel.release_opening",
        target: r.channelId,
        before: toAuditJson({ status: "OPENING", trader: r.trader }),
        after: toAuditJson({ status: "CLOSED", reason: r.reason, releasedAt: r.releasedAt, released: r.released }),
      },
    });
    auditId = row.id;
  });
  return {
    channelId: released.channelId,
    trader: released.trader,
    released: released.released,
    releasedAt: released.releasedAt,
    auditId: auditId!,
  };
}
