/**
 * The channels' CustodyEventSink: the chain watcher hands it custody events once buried under
 * the configured confirmations, and again (revert) if a reorg takes them out. Each event is
 * recorded by (tx hash, log index) in the same transaction as its effect on the channel row,
 * so a replayed log changes nothing. Engine credits and debits follow the commit.
 *
 * Reorg policy: a reverted ChannelOpened (or a trader top-up) takes the credit back with an
 * engine withdraw. If the engine refuses (the trader already traded the money away), the
 * channel is marked with an `alert` for an operator and stays out of issuance (status OPENING):
 * the state issuer never signs over funding the chain does not show.
 */
import type { Address, Hex } from "viem";
import type { CustodyEvent, CustodyEventSink } from "../ports";
import { fundingColumns } from "./repository";
import type { ChannelService } from "./service";

interface AllocationArg {
  token: Address;
  traderAmount: bigint;
  exchangeAmount: bigint;
}

const CHANNEL_EVENTS = new Set(["ChannelOpened", "ChannelCheckpointed", "ChannelChallenged", "ChannelChallengeAnswered", "ChannelResized", "ChannelClosed"]);

export function createChannelCustodySink(service: ChannelService): CustodyEventSink {
  const { db } = service.deps;

  /** Records the event; false when it was applied before (and not reverted since). */
  async function record(event: CustodyEvent, channelId: string): Promise<boolean> {
    const key = { txHash: event.txHash.toLowerCase(), logIndex: event.logIndex };
    const existing = await db.channelChainEvent.findUnique({ where: { txHash_logIndex: key } });
    if (existing && !existing.reverted) return false;
    if (existing) {
      const updated = await db.channelChainEvent.updateMany({ where: { ...key, reverted: true }, data: { reverted: false, blockHash: event.blockHash, blockNumber: event.blockNumber } });
      return updated.count === 1;
    }
    try {
      await db.channelChainEvent.create({ data: { ...key, name: event.name, channelId, blockNumber: event.blockNumber, blockHash: event.blockHash } });
      return true;
    } catch {
      return false; // a concurrent delivery recorded it first
    }
  }

  async function unrecord(event: CustodyEvent): Promise<boolean> {
    const updated = await db.channelChainEvent.updateMany({ where: { txHash: event.txHash.toLowerCase(), logIndex: event.logIndex, reverted: false }, data: { reverted: true } });
    return updated.count === 1;
  }

  async function alert(channelId: string, message: string): Promise<void> {
    console.error(`channel ${channelId}: ${message}`);
    await db.channel.update({ where: { id: channelId }, data: { alert: message } });
  }

  async function apply(event: CustodyEvent): Promise<void> {
    if (!CHANNEL_EVENTS.has(event.name)) return;
    const channelId = String(event.args.channelId).toLowerCase();
    const channel = await db.channel.findUnique({ where: { id: channelId } });
    if (!channel) return; // not a channel this service prepared
    if (!(await record(event, channelId))) return;
    const version = event.args.version === undefined ? 0n : BigInt(event.args.version as number | bigint);
    switch (event.name) {
      case "ChannelOpened": {
        const allocations = event.args.allocations as readonly AllocationArg[];
        await db.channel.update({
          where: { id: channelId },
          data: { status: "ACTIVE", onChainVersion: 0n, ...fundingColumns(allocations.map((a) => ({ token: a.token, total: a.traderAmount + a.exchangeAmount }))) },
        });
        for (const a of allocations) if (a.traderAmount > 0n) await service.credit(channel.trader, service.symbolOf(a.token), a.traderAmount);
        return;
      }
      case "ChannelCheckpointed":
      case "ChannelChallengeAnswered":
        await db.channel.update({ where: { id: channelId }, data: { onChainVersion: version, ...(event.name === "ChannelChallengeAnswered" && channel.status === "CHALLENGED" ? { status: "ACTIVE" } : {}) } });
        return;
      case "ChannelChallenged":
        await db.channel.update({ where: { id: channelId }, data: { onChainVersion: version, status: "CHALLENGED" } });
        return;
      case "ChannelResized": {
        const ours = channel.pendingOp === "RESIZE" && channel.pendingVersion === version;
        await db.channel.update({
          where: { id: channelId },
          data: { onChainVersion: version, ...(ours ? { pendingOp: null, pendingVersion: null, pendingDebits: undefined } : {}) },
        });
        const allocations = event.args.allocations as readonly AllocationArg[];
        const deltas = event.args.traderDeltas as readonly bigint[];
        // deltas are per token of the merged (previous ∪ new) lists: positive = the trader added money (top-up)
        const tokens = mergedTokens(channel.fundingTokens, allocations.map((a) => a.token.toLowerCase()));
        for (let i = 0; i < deltas.length; i++) {
          const delta = deltas[i]!;
          if (delta > 0n) await service.credit(channel.trader, service.symbolOf(tokens[i]!), delta);
          else if (delta < 0n && !ours) await alert(channelId, `resize v${version} paid out ${-delta} of ${tokens[i]} that no pending withdrawal debited`);
        }
        return;
      }
      case "ChannelClosed": {
        const ours = channel.pendingOp === "CLOSE" && channel.pendingVersion === version;
        await db.channel.update({ where: { id: channelId }, data: { status: "CLOSED", onChainVersion: version, pendingOp: null, pendingVersion: null } });
        if (ours) return;
        // a close we did not prepare (conclude after a challenge): the trader was paid these; take them out of the engine
        for (const a of event.args.allocations as readonly AllocationArg[]) {
          if (a.traderAmount === 0n) continue;
          await service.debit(channel.trader, service.symbolOf(a.token), a.traderAmount).catch((e: unknown) =>
            alert(channelId, `closed on-chain at v${version}: could not debit ${a.traderAmount} of ${a.token}: ${(e as Error).message}`),
          );
        }
        return;
      }
    }
  }

  async function revert(event: CustodyEvent): Promise<void> {
    if (!CHANNEL_EVENTS.has(event.name)) return;
    const channelId = String(event.args.channelId).toLowerCase();
    const channel = await db.channel.findUnique({ where: { id: channelId } });
    if (!channel || !(await unrecord(event))) return;
    const version = event.args.version === undefined ? 0n : BigInt(event.args.version as number | bigint);
    switch (event.name) {
      case "ChannelOpened": {
        await db.channel.update({ where: { id: channelId }, data: { status: "OPENING", onChainVersion: null } });
        for (const a of event.args.allocations as readonly AllocationArg[]) {
          if (a.traderAmount === 0n) continue;
          await service.debit(channel.trader, service.symbolOf(a.token), a.traderAmount).catch((e: unknown) =>
            alert(channelId, `open reorged out: could not take back ${a.traderAmount} of ${a.token}: ${(e as Error).message}`),
          );
        }
        return;
      }
      case "ChannelChallenged":
        await db.channel.update({ where: { id: channelId }, data: { status: "ACTIVE" } });
        return;
      case "ChannelResized": {
        // the co-signed RESIZE is still valid and will most likely be mined again: keep its debit locked, pending again
        const wasOurs = channel.pendingOp === null && (channel.latestVersion >= version);
        await db.channel.update({ where: { id: channelId }, data: { onChainVersion: version - 1n, ...(wasOurs ? { pendingOp: "RESIZE", pendingVersion: version } : {}) } });
        const deltas = event.args.traderDeltas as readonly bigint[];
        const allocations = event.args.allocations as readonly AllocationArg[];
        const tokens = mergedTokens(channel.fundingTokens, allocations.map((a) => a.token.toLowerCase()));
        for (let i = 0; i < deltas.length; i++) {
          if (deltas[i]! > 0n) {
            await service.debit(channel.trader, service.symbolOf(tokens[i]!), deltas[i]!).catch((e: unknown) =>
              alert(channelId, `top-up reorged out: could not take back ${deltas[i]} of ${tokens[i]}: ${(e as Error).message}`),
            );
          }
        }
        return;
      }
      case "ChannelClosed":
        await db.channel.update({ where: { id: channelId }, data: { status: channel.pendingOp === null ? "ACTIVE" : "CLOSING" } });
        await alert(channelId, `close at v${version} was reorged out; waiting for it to be mined again`);
        return;
      default:
        return;
    }
  }

  return { apply, revert };
}

/** The sorted union of two token lists, as Custody.resize merges them for its delta arrays. */
function mergedTokens(a: readonly string[], b: readonly string[]): Hex[] {
  return [...new Set([...a, ...b].map((t) => t.toLowerCase()))].sort() as Hex[];
}
