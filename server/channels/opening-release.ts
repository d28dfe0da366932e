/**
 * Releasing an opening nobody funded (SECURITY.md attack 16): the channel row goes to CLOSED
 * with `openingReleasedAt` and the reason, so its INITIALIZE state's coverage is no longer
 * reserved and its trader may prepare another channel.
 *
 * An opening stops reserving on its own once `openingExpiresAt` has passed (reservedForOpening
 * leaves it out); its row is released when its trader prepares a new channel (reason "expired
 * unfunded"), or at once by ops (`releaseOpening`, reason "released by ops: …").
 *
 * The exchange-signed INITIALIZE state stays valid on-chain: the contract has no deadline. So
 * before a row is released the contract is asked; a channel it already shows (funded, the
 * watcher not caught up) is not released. Should the trader still fund a released opening later,
 * the custody sink honours it only if the trader has no other channel that is not CLOSED
 * (custody-sink.ts), and the coverage then comes from whatever the free balance holds at that
 * time (the contract reverts the open if it does not).
 */
import type { Hex } from "viem";
import type { Prisma } from "../../generated/prisma/client";
import { ClearlineError } from "../../core/errors";
import { decimalToBigint } from "../db/decimal";
import { notFound, type ChannelContext, type ChannelRow } from "./context";

export interface ReleasedOpening {
  channelId: string;
  trader: string;
  /** what the INITIALIZE state promised from the exchange, per token (base units): no longer reserved */
  released: { token: string; amount: bigint }[];
  reason: string;
  releasedAt: Date;
}

/** The reason written for an opening its trader replaced after it expired. */
export const EXPIRED_REASON = "expired unfunded";

/**
 * Ops: release an OPENING channel now. `record` runs in the same transaction as the change (the
 * ops console writes its audit row there). Refused: an unknown channel (CHANNEL_NOT_FOUND), one
 * that is not OPENING (CHANNEL_NOT_OPENING), one the contract already shows (OPENING_FUNDED_ON_CHAIN).
 */
export function releaseOpening(
  ctx: ChannelContext,
  channelId: string,
  reason: string,
  record?: (tx: Prisma.TransactionClient, released: ReleasedOpening) => Promise<void>,
): Promise<ReleasedOpening> {
  const id = channelId.toLowerCase();
  return ctx.coverageLock.run(async () => {
    const channel = await ctx.db.channel.findUnique({ where: { id } });
    if (!channel) notFound(`no channel ${channelId}`, { channelId });
    return release(ctx, channel, `released by ops: ${reason}`, record);
  });
}

/**
 * The trader's own expired opening, released so they can prepare a new channel (under the
 * coverage lock, from prepareOpen). Returns false when `channel` is not an expired opening.
 */
export async function releaseIfExpired(ctx: ChannelContext, channel: ChannelRow): Promise<boolean> {
  if (channel.status !== "OPENING" || channel.openingExpiresAt === null) return false;
  if (channel.openingExpiresAt.getTime() > ctx.clock()) return false;
  await release(ctx, channel, EXPIRED_REASON);
  return true;
}

async function release(
  ctx: ChannelContext,
  channel: ChannelRow,
  reason: string,
  record?: (tx: Prisma.TransactionClient, released: ReleasedOpening) => Promise<void>,
): Promise<ReleasedOpening> {
  if (channel.status !== "OPENING" || channel.onChainVersion !== null)
    throw new ClearlineError(
      "CHANNEL_NOT_OPENING",
      `channel ${channel.id} is ${channel.status}${channel.onChainVersion === null ? "" : ` (on-chain version ${channel.onChainVersion})`}: only an opening nobody funded can be released`,
      { channelId: channel.id, status: channel.status },
    );
  const onChain = await ctx.deps.chain.channel(channel.id as Hex);
  if (onChain.status !== "NONE")
    throw new ClearlineError(
      "OPENING_FUNDED_ON_CHAIN",
      `channel ${channel.id} is already ${onChain.status} on-chain: it is funded, the chain watcher will make it ACTIVE`,
      { channelId: channel.id, onChainStatus: onChain.status },
    );
  const initial = await ctx.db.channelState.findUniqueOrThrow({
    where: { channelId_version: { channelId: channel.id, version: 0n } },
    select: { allocationTokens: true, exchangeAmounts: true },
  });
  const releasedAt = new Date(ctx.clock());
  const released: ReleasedOpening = {
    channelId: channel.id,
    trader: channel.trader,
    released: initial.allocationTokens.map((token, i) => ({
      token,
      amount: decimalToBigint(initial.exchangeAmounts[i]!),
    })),
    reason,
    releasedAt,
  };
  await ctx.db.$transaction(async (tx) => {
    // conditional: a ChannelOpened applied meanwhile (the sink does not take the coverage lock) wins
    const { count } = await tx.channel.updateMany({
      where: { id: channel.id, status: "OPENING", onChainVersion: null },
      data: { status: "CLOSED", openingReleasedAt: releasedAt, openingReleaseReason: reason },
    });
    if (count !== 1)
      throw new ClearlineError(
        "CHANNEL_NOT_OPENING",
        `channel ${channel.id} changed meanwhile: it is no longer an unfunded opening`,
        {
          channelId: channel.id,
        },
      );
    await record?.(tx, released);
  });
  await ctx.channelChanged(channel.id);
  return released;
}
