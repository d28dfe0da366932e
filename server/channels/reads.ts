/** Reads of a trader's channel (status, latest and co-signed states, history, back-fill) and the deposit instructions; no writes. */
import { getAddress, type Address, type Hex } from "viem";
import { notFound, type ChannelContext, type ChannelRow } from "./context";
import { fundingFromRow, stateFromRow, type StoredState } from "./repository";

/** The trader's channel `channelId`, else their newest channel; CHANNEL_NOT_FOUND if none. */
async function channelOf(ctx: ChannelContext, trader: Address, channelId?: Hex): Promise<ChannelRow> {
  const where = channelId
    ? { id: channelId.toLowerCase(), trader: getAddress(trader) }
    : { trader: getAddress(trader) };
  const channel = await ctx.db.channel.findFirst({ where, orderBy: { createdAt: "desc" } });
  if (!channel) notFound(channelId ? `no channel ${channelId} of ${trader}` : `${trader} has no channel`, { trader });
  return channel;
}

/**
 * What the pending operation is for. A RESIZE is the trader's withdrawal when it debits the
 * trader (pendingDebits), else the exchange's top-up (which debits nobody's engine balance).
 */
function pendingPurpose(c: ChannelRow): "WITHDRAWAL" | "TOP_UP" | "CLOSE" | "CANCEL" | null {
  if (c.pendingOp === "CLOSE" || c.pendingOp === "CANCEL") return c.pendingOp;
  if (c.pendingOp !== "RESIZE") return null;
  const debits = c.pendingDebits as unknown[] | null;
  return Array.isArray(debits) && debits.length > 0 ? "WITHDRAWAL" : "TOP_UP";
}

export async function channelStatus(ctx: ChannelContext, trader: Address, channelId?: Hex) {
  const c = await channelOf(ctx, trader, channelId);
  return {
    channelId: c.id as Hex,
    trader: c.trader as Address,
    nonce: c.nonce,
    status: c.status,
    funding: fundingFromRow(c),
    latestVersion: c.latestVersion,
    coSignedVersion: c.coSignedVersion,
    onChainVersion: c.onChainVersion,
    needsTopUp: c.needsTopUp,
    pendingOp: c.pendingOp as "RESIZE" | "CLOSE" | "CANCEL" | null,
    pendingVersion: c.pendingVersion,
    pendingPurpose: pendingPurpose(c),
    /** why the channel needs an operator (also shown in the ops console), e.g. a withdrawal the chain refuses */
    alert: c.alert,
    /** the last submission attempt of the pending operation in this process (null: none yet) */
    submission: ctx.submissions?.status(c.id, c.pendingOp, c.pendingVersion) ?? null,
  };
}

/** The newest state (exchange-signed) and the newest fully co-signed one. */
export async function latestState(
  ctx: ChannelContext,
  trader: Address,
  channelId?: Hex,
): Promise<{ latest: StoredState; coSigned: StoredState | null }> {
  const c = await channelOf(ctx, trader, channelId);
  const latest = await ctx.db.channelState.findUniqueOrThrow({
    where: { channelId_version: { channelId: c.id, version: c.latestVersion } },
  });
  const coSigned = await ctx.db.channelState.findFirst({
    where: { channelId: c.id, traderSignature: { not: null } },
    orderBy: { version: "desc" },
  });
  return {
    latest: stateFromRow(latest, c.trader as Address),
    coSigned: coSigned ? stateFromRow(coSigned, c.trader as Address) : null,
  };
}

/** Every state both signed, oldest first. */
export async function history(ctx: ChannelContext, trader: Address, channelId?: Hex): Promise<StoredState[]> {
  const c = await channelOf(ctx, trader, channelId);
  const rows = await ctx.db.channelState.findMany({
    where: { channelId: c.id, traderSignature: { not: null } },
    orderBy: { version: "asc" },
  });
  return rows.map((r) => stateFromRow(r, c.trader as Address));
}

/** States of the trader's channel `channelId` above `afterVersion` (subscription back-fill). */
export async function statesAfter(
  ctx: ChannelContext,
  trader: Address,
  channelId: Hex,
  afterVersion: bigint,
): Promise<StoredState[]> {
  const c = await channelOf(ctx, trader, channelId);
  const rows = await ctx.db.channelState.findMany({
    where: { channelId: c.id, version: { gt: afterVersion } },
    orderBy: { version: "asc" },
  });
  return rows.map((r) => stateFromRow(r, c.trader as Address));
}

/** What a wallet needs to open a channel: chain, custody, the exchange's address, the tokens, the coverage. */
export function depositInstructions(ctx: ChannelContext) {
  const { deps } = ctx;
  return {
    chainId: deps.domain.chainId,
    custody: deps.domain.verifyingContract,
    exchange: getAddress(deps.signer.address),
    tokens: deps.assets.map((a) => ({ symbol: a.symbol, address: getAddress(a.token), decimals: a.decimals })),
    coverageBps: deps.coverageBps,
  };
}
