/**
 * A deposit reorged out after it was traded (SECURITY.md attack 20). The custody sink credited
 * the engine when the deposit was buried under the confirmations; a deeper reorg takes the
 * deposit off the chain, so the engine holds money custody does not.
 *
 * `takeBack` takes back as much of it as the engine will give:
 *   1. the whole amount, if the account still has it free;
 *   2. otherwise the account's resting orders are cancelled (their locks become available) and
 *      the whole amount is asked again;
 *   3. otherwise what that refusal names as withdrawable (`available` of a spot asset, `free`
 *      collateral of a settlement asset; none from an account with negative equity).
 * Every command carries a requestId derived from the reverted log's (`chain-revert:…`), and each
 * amount comes from an earlier entry's answer, which the runtime repeats on a re-delivery: the
 * same commands with the same bodies, so nothing is taken twice and the figures do not change.
 *
 * What could not be taken back is the shortfall: `recordShortfall` writes it (ChannelShortfall,
 * one row per reverted log and token) and suspends the account (User.suspendedAt, an AuditLog
 * `user.suspend` by "system") in the sink's transaction; the sink then tells the engine's guard.
 * Value the account moved into other assets (the WETH it bought) stays where it is: an operator
 * decides (docs/OPS.md, reorg shortfalls).
 */
import type { Prisma } from "../../generated/prisma/client";
import type { CommittedEntry, EnginePort } from "../ports";
import { bigintToDecimal } from "../db/decimal";

export interface TakeBack {
  asset: string;
  token: string;
  /** what the reorg took off the chain */
  owed: bigint;
  takenBack: bigint;
  /** owed − takenBack */
  shortfall: bigint;
}

function rejection(entry: CommittedEntry) {
  const r = entry.events.find((e) => e.type === "rejected");
  return r && r.type === "rejected" ? r : null;
}

function asBigint(v: unknown): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" || typeof v === "string") return BigInt(v);
  return 0n;
}

/** What a refused withdrawal says can be withdrawn (0 when it names nothing, e.g. negative equity). */
function withdrawableFrom(entry: CommittedEntry): bigint {
  const r = rejection(entry);
  if (r === null) return 0n;
  if (r.code === "INSUFFICIENT_BALANCE") return asBigint(r.details.available);
  if (r.code === "WITHDRAW_EXCEEDS_FREE_COLLATERAL") return asBigint(r.details.free);
  return 0n;
}

/** Takes back up to `amount` of `asset` from `account` (see the module comment); `requestId` is the reverted log's. */
export async function takeBack(
  engine: EnginePort,
  account: string,
  asset: { symbol: string; token: string },
  amount: bigint,
  requestId: string,
): Promise<TakeBack> {
  const withdraw = (a: bigint, id: string) =>
    engine.submit({ type: "withdraw", account, asset: asset.symbol, amount: a }, { requestId: id });
  const result = (takenBack: bigint): TakeBack => ({
    asset: asset.symbol,
    token: asset.token.toLowerCase(),
    owed: amount,
    takenBack,
    shortfall: amount - takenBack,
  });
  if (rejection(await withdraw(amount, requestId)) === null) return result(amount);
  const orders = engine.read((ex) => ex.openOrders(account));
  for (const o of orders)
    await engine.submit(
      { type: "cancel", account, orderId: o.orderId },
      { requestId: `${requestId}:cancel:${o.orderId}` },
    );
  const again = await withdraw(amount, `${requestId}:after-cancel`);
  if (rejection(again) === null) return result(amount);
  let part = withdrawableFrom(again);
  if (part > amount) part = amount;
  if (part <= 0n) return result(0n);
  return result(rejection(await withdraw(part, `${requestId}:part`)) === null ? part : 0n);
}

/** The reverted log a shortfall comes from. */
export interface ReorgedLog {
  name: string;
  txHash: string;
  logIndex: number;
  blockHash: string;
}

/**
 * In the sink's revert transaction: one ChannelShortfall row per token short (a re-delivery
 * finds them and adds nothing), and the account suspended with an audit row, unless it already is.
 * Returns whether it suspended the account now.
 */
export async function recordShortfall(
  tx: Prisma.TransactionClient,
  o: { channelId: string; trader: string; log: ReorgedLog; shortfalls: readonly TakeBack[]; at: Date },
): Promise<boolean> {
  const short = o.shortfalls.filter((s) => s.shortfall > 0n);
  if (short.length === 0) return false;
  await tx.channelShortfall.createMany({
    data: short.map((s) => ({
      channelId: o.channelId,
      trader: o.trader,
      asset: s.asset,
      token: s.token,
      owed: bigintToDecimal(s.owed),
      takenBack: bigintToDecimal(s.takenBack),
      shortfall: bigintToDecimal(s.shortfall),
      event: o.log.name,
      txHash: o.log.txHash.toLowerCase(),
      logIndex: o.log.logIndex,
      blockHash: o.log.blockHash.toLowerCase(),
    })),
    skipDuplicates: true,
  });
  const user = await tx.user.findUnique({ where: { address: o.trader } });
  if (user?.suspendedAt) return false;
  const figures = short.map((s) => `${s.shortfall} of ${s.owed} ${s.asset} base units`).join(", ");
  const reason = `deposit reorged out (${o.log.name} ${o.log.txHash}:${o.log.logIndex}) after it was traded: ${figures} could not be taken back`;
  const data = { suspendedAt: o.at, suspendReason: reason };
  // an address that never signed in gets its User row now, so the suspension holds when it does
  if (user) await tx.user.update({ where: { id: user.id }, data });
  else await tx.user.create({ data: { address: o.trader, ...data } });
  await tx.auditLog.create({
    data: {
      actor: "system",
      action: "user.suspend",
      target: o.trader,
      before: { suspendedAt: null, suspendReason: user?.suspendReason ?? null },
      after: {
        suspendedAt: o.at.toISOString(),
        suspendReason: reason,
        channelId: o.channelId,
        shortfalls: short.map((s) => ({
          asset: s.asset,
          owed: s.owed.toString(),
          takenBack: s.takenBack.toString(),
          shortfall: s.shortfall.toString(),
        })),
      },
    },
  });
  return true;
}
