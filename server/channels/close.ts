/** Cooperative close: debits the trader's balance in the engine and issues the CLOSE state paying it out. */
import type { Address } from "viem";
import { Intent } from "../../core/channel";
import { ClearlineError } from "../../core/errors";
import type { ChannelContext } from "./context";
import { engineCredit, engineDebit } from "./engine-ledger";
import { activeChannelOf, issuePending } from "./pending";
import { fundingFromRow, releasePendingLock, takePendingLock } from "./repository";
import type { PendingRequest } from "./types";

/**
 * Cooperative close. Every position must be closed and every order cancelled first (the
 * trader decides at what price to exit, not us). The trader's whole balance per channel
 * token (up to the funding) is debited in the engine and paid by a CLOSE state.
 */
export async function requestClose(ctx: ChannelContext, trader: Address): Promise<PendingRequest> {
  const { db, deps } = ctx;
  const channel = await activeChannelOf(ctx, trader);
  const account = channel.trader;
  const busy = deps.engine.read((ex) => ({
    orders: ex.openOrders(account).length,
    positions: deps.markets
      .filter((m) => m.kind === "perp" && ex.position(account, m.symbol).sizeBase !== 0n)
      .map((m) => m.symbol),
  }));
  if (busy.orders > 0 || busy.positions.length > 0) {
    throw new ClearlineError(
      "PRECONDITION_FAILED",
      "close every position and cancel every order before closing the channel",
      {
        openOrders: busy.orders,
        openPositions: busy.positions.join(","),
      },
    );
  }
  if (!(await takePendingLock(db, channel.id, "CLOSE"))) {
    throw new ClearlineError(
      "CONFLICT",
      `channel ${channel.id} already has a withdrawal or close waiting for the chain`,
      {
        channelId: channel.id,
      },
    );
  }
  await ctx.channelChanged(channel.id); // issuance skips the channel from now on
  const debits: { asset: string; amount: string }[] = [];
  try {
    for (const f of fundingFromRow(channel)) {
      const symbol = ctx.asset(f.token).symbol;
      const balance = deps.engine.read((ex) => ex.balance(account, symbol).available);
      const amount = balance < f.total ? balance : f.total;
      if (amount <= 0n) continue;
      await engineDebit(deps.engine, account, symbol, amount);
      debits.push({ asset: symbol, amount: amount.toString() });
    }
    return await ctx.serial(async () => {
      const fresh = await db.channel.findUniqueOrThrow({ where: { id: channel.id } });
      await db.channel.update({ where: { id: channel.id }, data: { status: "CLOSING" } });
      return issuePending(ctx, fresh, fundingFromRow(fresh), Intent.CLOSE, debits);
    });
  } catch (error) {
    for (const d of debits) await engineCredit(deps.engine, account, d.asset, BigInt(d.amount)).catch(() => undefined);
    await db.channel.update({ where: { id: channel.id }, data: { status: "ACTIVE" } });
    await releasePendingLock(db, channel.id, "CLOSE");
    await ctx.channelChanged(channel.id);
    throw error;
  }
}
