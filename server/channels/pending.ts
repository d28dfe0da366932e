/** The trader's pending operations (withdrawal RESIZE, CLOSE): finding the channel, and issuing the state under the serial queue. */
import { getAddress, type Address, type Hex } from "viem";
import { bytesToHex, Intent, stateTypedData, validateState } from "../../core/channel";
import { notFound, type ChannelContext, type ChannelRow } from "./context";
import { fundingColumns, stateFromRow, stateRowData, type FundingEntry } from "./repository";
import { buildState } from "./state-builder";
import type { PendingRequest } from "./types";

/** The trader's ACTIVE channel; CHANNEL_NOT_FOUND if none. */
export async function activeChannelOf(ctx: ChannelContext, trader: Address): Promise<ChannelRow> {
  const channel = await ctx.db.channel.findFirst({ where: { trader: getAddress(trader), status: "ACTIVE" } });
  if (!channel) notFound(`${trader} has no active channel`, { trader });
  return channel;
}

/** Builds the RESIZE or CLOSE state (under the serial queue) and records it as the pending operation. */
export async function issuePending(
  ctx: ChannelContext,
  channel: ChannelRow,
  funding: FundingEntry[],
  intent: Intent,
  debits: { asset: string; amount: string }[],
): Promise<PendingRequest> {
  const { db, deps } = ctx;
  const latest = await db.channelState.findUniqueOrThrow({
    where: { channelId_version: { channelId: channel.id, version: channel.latestVersion } },
  });
  const previous = stateFromRow(latest, channel.trader as Address);
  const journalSeq = previous.appData.journalSeq;
  const built = buildState(ctx, channel, funding, previous.appData, undefined, journalSeq, intent);
  if (intent === Intent.CLOSE) {
    // the CLOSE pays exactly what was debited; what stays in the engine (beyond funding) is not in it
    const paid = new Map(debits.map((d) => [ctx.assetOfSymbol(d.asset)!.token, BigInt(d.amount)]));
    const allocations = funding.map((f) => {
      const traderAmount = paid.get(f.token.toLowerCase() as Address) ?? 0n;
      return { token: f.token, traderAmount, exchangeAmount: f.total - traderAmount };
    });
    const state = { ...built.stored.state, allocations };
    const { signature, digest } = deps.signer.sign(deps.domain, state);
    built.stored = { ...built.stored, state, exchangeSignature: signature, stateHash: bytesToHex(digest) };
  }
  validateState(built.stored.state);
  await db.$transaction([
    db.channelState.createMany({ data: [stateRowData(built.stored)] }),
    db.channel.update({
      where: { id: channel.id },
      data: {
        latestVersion: built.stored.state.version,
        pendingVersion: built.stored.state.version,
        pendingDebits: debits,
        ...fundingColumns(funding),
      },
    }),
  ]);
  await ctx.channelChanged(channel.id);
  const stored = { ...built.stored, trader: channel.trader as Address, createdAt: new Date() };
  ctx.feed.publish(channel.trader, stored);
  const toSign = [];
  if (intent === Intent.RESIZE && latest.traderSignature === null) toSign.push(previous);
  toSign.push(stored);
  return {
    channelId: channel.id as Hex,
    toSign: toSign.map((s) => ({
      state: s.state,
      exchangeSignature: s.exchangeSignature,
      typedData: stateTypedData(deps.domain, s.state),
    })),
  };
}
