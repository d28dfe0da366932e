/**
 * Ops console, channels: every channel by status, open challenges with their deadlines and what
 * the watchtower did, the exchange's coverage per asset (what the books owe traders vs what the
 * custody contract holds: `coverage(token)`), and the one channel action the exchange can take
 * alone: checkpoint the latest co-signed state on-chain.
 *
 * Settling (closing) a channel is NOT offered: a cooperative close needs the trader's signature
 * on a CLOSE state (the trader asks for it with channel.requestClose), and a unilateral one means
 * the exchange challenging its own trader and concluding after the challenge period — a forced
 * exit that should be a deliberate, separately reviewed feature, not a console button.
 */
import type { Address, Hex, PublicClient } from "viem";
import { custodyAbi } from "../../contracts/generated";
import type { Deployment } from "../../contracts/deploy/deployment";
import { ClearlineError } from "../../core/errors";
import type { ChannelStatus } from "../../generated/prisma/client";
import { listOpenChallenges, type OpenChallenge } from "../chain/watchtower-challenges";
import type { ExchangeWallet, Watchtower } from "../chain/watchtower";
import { toAbiState } from "../channels/chain";
import { stateFromRow } from "../channels/repository";
import type { Db } from "../db";
import { decimalToBigint } from "../db/decimal";
import type { EngineRuntime } from "../engine/runtime";
import { audited } from "./audit";
import { reorgShortfalls, reservation } from "./admin-openings";
import { engineSnapshot } from "./admin-risk";

export interface ChannelRow {
  id: string;
  trader: string;
  status: ChannelStatus;
  latestVersion: bigint;
  coSignedVersion: bigint | null;
  onChainVersion: bigint | null;
  funding: { token: string; total: bigint }[];
  needsTopUp: boolean;
  pendingOp: string | null;
  alert: string | null;
  /** an opening's reservation ends then (null: not an opening, or from before openings expired) */
  openingExpiresAt: Date | null;
  /** an opening nobody funded that was released (CLOSED): when and why */
  openingReleasedAt: Date | null;
  openingReleaseReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export async function listChannels(
  db: Db,
  opts: { status?: ChannelStatus; limit: number },
): Promise<{ counts: Record<string, number>; channels: ChannelRow[] }> {
  const [rows, grouped] = await Promise.all([
    db.channel.findMany({
      where: opts.status ? { status: opts.status } : {},
      orderBy: { updatedAt: "desc" },
      take: opts.limit,
    }),
    db.channel.groupBy({ by: ["status"], _count: { _all: true } }),
  ]);
  const counts: Record<string, number> = { OPENING: 0, ACTIVE: 0, CHALLENGED: 0, CLOSING: 0, CLOSED: 0 };
  for (const g of grouped) counts[g.status] = g._count._all;
  return {
    counts,
    channels: rows.map((c) => ({
      id: c.id,
      trader: c.trader,
      status: c.status,
      latestVersion: c.latestVersion,
      coSignedVersion: c.coSignedVersion,
      onChainVersion: c.onChainVersion,
      funding: c.fundingTokens.map((token, i) => ({ token, total: decimalToBigint(c.fundingTotals[i]!) })),
      needsTopUp: c.needsTopUp,
      pendingOp: c.pendingOp,
      alert: c.alert,
      openingExpiresAt: c.openingExpiresAt,
      openingReleasedAt: c.openingReleasedAt,
      openingReleaseReason: c.openingReleaseReason,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    })),
  };
}

export interface ChallengesView {
  /** unix seconds of the chain head, to count down deadlines (null: chain unreachable) */
  chainTime: bigint | null;
  open: OpenChallenge[];
  watchtower: { running: boolean; lastRoundAt: Date | null; lastError: string | null } | null;
  /** the watchtower's recent actions, open or settled, newest first */
  actions: {
    channelId: string;
    challengedVersion: bigint;
    challengeDeadline: bigint;
    challenger: string;
    outcome: string;
    answeredVersion: bigint | null;
    method: string | null;
    txHash: string | null;
    concludeTxHash: string | null;
    reason: string | null;
    attempts: number;
    lastError: string | null;
    updatedAt: Date;
  }[];
}

export async function challenges(
  db: Db,
  client: PublicClient | null,
  watchtower: Watchtower | null,
): Promise<ChallengesView> {
  const [open, actions, block] = await Promise.all([
    listOpenChallenges(db),
    db.watchtowerAction.findMany({ orderBy: { updatedAt: "desc" }, take: 50 }),
    client ? client.getBlock().catch(() => null) : Promise.resolve(null),
  ]);
  const wt = watchtower?.status() ?? null;
  return {
    chainTime: block?.timestamp ?? null,
    open,
    watchtower: wt && { running: wt.running, lastRoundAt: wt.lastRoundAt, lastError: wt.lastError },
    actions: actions.map((a) => ({
      channelId: a.channelId,
      challengedVersion: a.challengedVersion,
      challengeDeadline: a.challengeDeadline,
      challenger: a.challenger,
      outcome: a.outcome,
      answeredVersion: a.answeredVersion,
      method: a.method,
      txHash: a.txHash,
      concludeTxHash: a.concludeTxHash,
      reason: a.reason,
      attempts: a.attempts,
      lastError: a.lastError,
      updatedAt: a.updatedAt,
    })),
  };
}

export interface CoverageRow {
  asset: string;
  token: string;
  decimals: number;
  /** what the books owe traders: per account max(equity, 0) + locked, summed (engine memory) */
  owedToTraders: bigint;
  /** the sum of trader allocations in the newest exchange-signed state of every open channel */
  owedInChannelStates: bigint;
  /** on-chain, custody coverage(token): the exchange's free balance and everything locked in channels */
  exchangeAvailable: bigint | null;
  lockedInChannels: bigint | null;
  /** exchangeAvailable + lockedInChannels − owedToTraders (negative: the exchange cannot pay everyone) */
  surplus: bigint | null;
  /** the exchange's own engine accounts in this asset: fees, insurance fund, backstop */
  feeAccount: bigint;
  insuranceFund: bigint;
  exchangeAccount: bigint;
  channelsNeedingTopUp: number;
  /** what unexpired OPENING channels and pending top-ups have promised from exchangeAvailable (reservedForOpening) */
  reservedForOpenings: bigint;
  reservedForTopUps: bigint;
  openingChannels: number;
  /** exchangeAvailable − both reservations: what a new open, a top-up or a fee withdrawal can still have */
  unreserved: bigint | null;
  /** deposits reorged out after they were traded: base units the engine could not take back, and how many */
  reorgShortfall: bigint;
  reorgShortfallCount: number;
}

/** What the exchange owes vs holds, per custody token. `error` says why the chain side is missing. */
export async function coverage(
  rt: EngineRuntime,
  db: Db,
  chain: { client: PublicClient; deployment: Pick<Deployment, "custody" | "tokens"> } | null,
): Promise<{ rows: CoverageRow[]; error: string | null }> {
  const snap = engineSnapshot(rt);
  const tokens = chain ? Object.values(chain.deployment.tokens) : [];
  const assets = new Map<string, { token: string; decimals: number }>();
  for (const t of tokens) assets.set(t.symbol, { token: t.address.toLowerCase(), decimals: t.decimals });
  for (const a of snap.assets) if (!assets.has(a.symbol)) assets.set(a.symbol, { token: "", decimals: a.decimals });

  const open = await db.channel.findMany({
    where: { status: { in: ["ACTIVE", "CHALLENGED", "CLOSING"] } },
    select: { id: true, latestVersion: true, needsTopUp: true, fundingTokens: true },
  });
  const states =
    open.length === 0
      ? []
      : await db.channelState.findMany({
          where: { OR: open.map((c) => ({ channelId: c.id, version: c.latestVersion })) },
          select: { allocationTokens: true, traderAmounts: true },
        });
  const inStates = new Map<string, bigint>();
  for (const s of states)
    s.allocationTokens.forEach((t, i) =>
      inStates.set(t, (inStates.get(t) ?? 0n) + decimalToBigint(s.traderAmounts[i]!)),
    );

  let error: string | null = chain ? null : "the chain is not configured";
  const now = new Date();
  const shortfalls = (await reorgShortfalls(db, 0)).totals;
  const rows: CoverageRow[] = [];
  for (const [asset, { token, decimals }] of assets) {
    let owed = 0n;
    for (const a of snap.accounts) {
      if (a.id.startsWith("@")) continue;
      const r = rt.read((ex) => ex.risk(a.id, asset));
      const locked = a.balances.find((b) => b.asset === asset)?.locked ?? 0n;
      owed += (r.equityQuote > 0n ? r.equityQuote : 0n) + locked;
    }
    let exchangeAvailable: bigint | null = null;
    let lockedInChannels: bigint | null = null;
    if (chain && token !== "") {
      try {
        [exchangeAvailable, lockedInChannels] = await chain.client.readContract({
          address: chain.deployment.custody,
          abi: custodyAbi,
          functionName: "coverage",
          args: [token as Address],
        });
      } catch (e) {
        error = `custody coverage() could not be read: ${(e as Error).message.split("\n")[0]}`;
      }
    }
    const own = (id: string) => rt.read((ex) => ex.balance(id, asset).available);
    const reserved =
      token === "" ? { openings: 0n, topUps: 0n, openingChannels: 0 } : await reservation(db, token, now);
    const short = shortfalls.get(asset) ?? { shortfall: 0n, count: 0 };
    rows.push({
      asset,
      token,
      decimals,
      owedToTraders: owed,
      owedInChannelStates: inStates.get(token) ?? 0n,
      exchangeAvailable,
      lockedInChannels,
      surplus:
        exchangeAvailable === null || lockedInChannels === null ? null : exchangeAvailable + lockedInChannels - owed,
      feeAccount: own("@fees"),
      insuranceFund: own("@insurance"),
      exchangeAccount: own("@exchange"),
      channelsNeedingTopUp: open.filter((c) => c.needsTopUp && c.fundingTokens.includes(token)).length,
      reservedForOpenings: reserved.openings,
      reservedForTopUps: reserved.topUps,
      openingChannels: reserved.openingChannels,
      unreserved: exchangeAvailable === null ? null : exchangeAvailable - reserved.openings - reserved.topUps,
      reorgShortfall: short.shortfall,
      reorgShortfallCount: short.count,
    });
  }
  return { rows, error };
}

/**
 * Register the channel's newest co-signed OPERATE state on-chain (custody.checkpoint), so a
 * later challenge cannot start from an older one. Sent with the exchange's key, waits for the
 * receipt, audited with the transaction hash.
 */
export async function forceCheckpoint(
  db: Db,
  actor: string,
  channelId: string,
  chain: { client: PublicClient; wallet: ExchangeWallet; custody: Address },
): Promise<{ channelId: string; version: bigint; txHash: Hex; auditId: bigint }> {
  const id = channelId.toLowerCase();
  const c = await db.channel.findUnique({ where: { id } });
  if (c === null) throw new ClearlineError("CHANNEL_NOT_FOUND", `no channel ${channelId}`, { channelId });
  if (c.status !== "ACTIVE")
    throw new ClearlineError(
      "PRECONDITION_FAILED",
      `channel is ${c.status}: only an ACTIVE channel can be checkpointed`,
      { channelId, status: c.status },
    );
  const row = await db.channelState.findFirst({
    where: { channelId: id, traderSignature: { not: null }, intent: 1 },
    orderBy: { version: "desc" },
  });
  if (row === null)
    throw new ClearlineError(
      "PRECONDITION_FAILED",
      "the trader has not co-signed any OPERATE state of this channel yet",
      { channelId },
    );
  if (c.onChainVersion !== null && row.version <= c.onChainVersion)
    throw new ClearlineError(
      "PRECONDITION_FAILED",
      `nothing newer to register: the chain already has version ${c.onChainVersion} and the newest co-signed OPERATE state is ${row.version}`,
      { channelId, onChain: c.onChainVersion, coSigned: row.version },
    );
  const stored = stateFromRow(row, c.trader as Address);
  const txHash = await chain.wallet.writeContract({
    address: chain.custody,
    abi: custodyAbi,
    functionName: "checkpoint",
    args: [toAbiState(stored.state), { trader: stored.traderSignature!, exchange: stored.exchangeSignature }],
  });
  const receipt = await chain.client.waitForTransactionReceipt({ hash: txHash, timeout: 60_000 });
  if (receipt.status !== "success")
    throw new ClearlineError("PRECONDITION_FAILED", `checkpoint transaction ${txHash} reverted`, { channelId, txHash });
  const { auditId } = await audited(db, { actor, action: "channel.checkpoint", target: id }, async () => ({
    before: { onChainVersion: c.onChainVersion },
    after: { onChainVersion: row.version, txHash, block: receipt.blockNumber },
    result: null,
  }));
  return { channelId: id, version: row.version, txHash, auditId };
}
