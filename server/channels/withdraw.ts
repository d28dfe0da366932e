/** Partial withdrawals (a RESIZE lowering the funding), and the cancellation of a withdrawal or close the trader has not co-signed. */
import { getAddress, type Address, type Hex } from "viem";
import { assertConserves, bytesToHex, Intent, stateTypedData, validateState } from "../../core/channel";
import { ClearlineError } from "../../core/errors";
import { notFound, type ChannelContext } from "./context";
import { engineCredit, engineDebit } from "./engine-ledger";
import { activeChannelOf, issuePending } from "./pending";
import {
  fundingColumns,
  fundingFromRow,
  releasePendingLock,
  stateFromRow,
  stateRowData,
  takePendingLock,
} from "./repository";
import { buildState } from "./state-builder";
import type { PendingRequest } from "./types";

/**
 * Partial withdrawal: takes the channel's pending-operation lock (one per channel, in the
 * database), debits the engine (which refuses unrealized profit and margin), and issues a
 * RESIZE state with the reduced funding for the trader to co-sign. The engine debit stands
 * until the chain confirms the resize: the funds are locked meanwhile.
 */
export async function requestWithdraw(
  ctx: ChannelContext,
  trader: Address,
  token: Address,
  amount: bigint,
): Promise<PendingRequest> {
  const { db, deps } = ctx;
  if (amount <= 0n) throw new ClearlineError("INVALID_INPUT", "amount must be positive", { amount });
  const asset = ctx.asset(token);
  const channel = await activeChannelOf(ctx, trader);
  const funding = fundingFromRow(channel);
  const entry = funding.find((f) => f.token.toLowerCase() === asset.token);
  if (!entry) throw new ClearlineError("INVALID_INPUT", `channel ${channel.id} holds no ${asset.symbol}`, { token });
  if (!(await takePendingLock(db, channel.id, "RESIZE"))) {
    throw new ClearlineError(
      "CONFLICT",
      `channel ${channel.id} already has a withdrawal or close waiting for the chain`,
      {
        channelId: channel.id,
      },
    );
  }
  await ctx.channelChanged(channel.id); // issuance skips the channel from now on
  let debited = false;
  try {
    if (amount > entry.total)
      throw new ClearlineError("PRECONDITION_FAILED", `the channel holds only ${entry.total} ${asset.symbol}`, {
        amount,
        funding: entry.total,
      });
    await engineDebit(deps.engine, channel.trader, asset.symbol, amount);
    debited = true;
    const debits = [{ asset: asset.symbol, amount: amount.toString() }];
    return await ctx.serial(async () => {
      const fresh = await db.channel.findUniqueOrThrow({ where: { id: channel.id } });
      const newFunding = fundingFromRow(fresh).map((f) =>
        f.token.toLowerCase() === asset.token ? { token: f.token, total: f.total - amount } : f,
      );
      return issuePending(ctx, fresh, newFunding, Intent.RESIZE, debits);
    });
  } catch (error) {
    if (debited) await engineCredit(deps.engine, channel.trader, asset.symbol, amount).catch(() => undefined);
    await releasePendingLock(db, channel.id, "RESIZE");
    await ctx.channelChanged(channel.id);
    throw error;
  }
}

/**
 * Cancels a withdrawal (op RESIZE, state R) or a close (op CLOSE, state C) the trader has not
 * co-signed. The exchange already signed it, so the trader could still co-sign it and send it to
 * the contract themselves: the engine debit therefore stays until the chain makes it unusable.
 * This issues an OPERATE state one version later on the funding before the operation, paying the
 * trader's debited amounts back, for the trader to co-sign; the service then checkpoints it
 * on-chain, and once ChannelCheckpointed (or a ChallengeAnswered) at or above it is seen the
 * custody sink credits the engine back and releases the lock (a cancelled close makes the
 * channel ACTIVE again). If the cancelled state gets mined first, the operation simply completes
 * (the debit stands) and the checkpoint fails.
 */
export async function cancelPending(
  ctx: ChannelContext,
  trader: Address,
  op: "RESIZE" | "CLOSE",
): Promise<PendingRequest> {
  const { db, deps } = ctx;
  const what = op === "RESIZE" ? "withdrawal" : "close";
  const channel = await db.channel.findFirst({
    where: { trader: getAddress(trader), status: op === "RESIZE" ? "ACTIVE" : "CLOSING" },
  });
  if (!channel) notFound(`${trader} has no ${op === "RESIZE" ? "active" : "closing"} channel`, { trader });
  const pendingVersion = channel.pendingVersion;
  if (channel.pendingOp !== op || pendingVersion === null) {
    throw new ClearlineError("PRECONDITION_FAILED", `channel ${channel.id} has no ${what} waiting for a co-signature`, {
      channelId: channel.id,
    });
  }
  const switched = await db.channel.updateMany({
    where: { id: channel.id, pendingOp: op, pendingVersion },
    data: { pendingOp: "CANCEL", pendingVersion: null },
  });
  if (switched.count !== 1)
    throw new ClearlineError(
      "CONFLICT",
      `the ${what} of channel ${channel.id} changed meanwhile; look at channel.status`,
      {
        channelId: channel.id,
      },
    );
  await ctx.channelChanged(channel.id);
  try {
    const cancelled = await db.channelState.findUniqueOrThrow({
      where: { channelId_version: { channelId: channel.id, version: pendingVersion } },
    });
    if (cancelled.traderSignature !== null) {
      throw new ClearlineError(
        "CONFLICT",
        `the ${what} v${pendingVersion} is co-signed already: it completes when the chain confirms it`,
        { channelId: channel.id, version: pendingVersion },
      );
    }
    return await ctx.serial(async () => {
      const fresh = await db.channel.findUniqueOrThrow({ where: { id: channel.id } });
      // the funding before the cancelled state (a withdrawal lowered it; a close kept it)
      const before = await db.channelState.findUniqueOrThrow({
        where: { channelId_version: { channelId: channel.id, version: pendingVersion - 1n } },
      });
      const previous = stateFromRow(before, channel.trader as Address);
      const funding = previous.state.allocations.map((a) => ({
        token: a.token,
        total: a.traderAmount + a.exchangeAmount,
      }));
      const latest = stateFromRow(
        await db.channelState.findUniqueOrThrow({
          where: { channelId_version: { channelId: channel.id, version: fresh.latestVersion } },
        }),
        channel.trader as Address,
      );
      const built = buildState(
        ctx,
        fresh,
        funding,
        latest.appData,
        undefined,
        latest.appData.journalSeq,
        Intent.OPERATE,
      );
      // the engine still holds the debit: the replacement pays the trader as if it were credited back
      const back = new Map<string, bigint>();
      for (const d of (fresh.pendingDebits ?? []) as { asset: string; amount: string }[]) {
        const token = ctx.assetOfSymbol(d.asset)!.token.toLowerCase();
        back.set(token, (back.get(token) ?? 0n) + BigInt(d.amount));
      }
      const allocations = built.stored.state.allocations.map((a) => {
        const want = a.traderAmount + (back.get(a.token.toLowerCase()) ?? 0n);
        const traderAmount = want > a.traderAmount + a.exchangeAmount ? a.traderAmount + a.exchangeAmount : want;
        return { token: a.token, traderAmount, exchangeAmount: a.traderAmount + a.exchangeAmount - traderAmount };
      });
      const state = { ...built.stored.state, allocations };
      assertConserves(state, funding);
      validateState(state);
      const { signature, digest } = deps.signer.sign(deps.domain, state);
      const stored = { ...built.stored, state, exchangeSignature: signature, stateHash: bytesToHex(digest) };
      await db.$transaction([
        db.channelState.createMany({ data: [stateRowData(stored)] }),
        db.channel.update({
          where: { id: channel.id },
          data: { latestVersion: state.version, pendingVersion: state.version, ...fundingColumns(funding) },
        }),
      ]);
      await ctx.channelChanged(channel.id);
      ctx.feed.publish(channel.trader, { ...stored, trader: channel.trader as Address, createdAt: new Date() });
      return {
        channelId: channel.id as Hex,
        toSign: [{ state, exchangeSignature: signature, typedData: stateTypedData(deps.domain, state) }],
      };
    });
  } catch (error) {
    await db.channel.updateMany({
      where: { id: channel.id, pendingOp: "CANCEL", pendingVersion: null },
      data: { pendingOp: op, pendingVersion },
    });
    await ctx.channelChanged(channel.id);
    throw error;
  }
}
