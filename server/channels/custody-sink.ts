/**
 * The channels' CustodyEventSink: the chain watcher hands it custody events once buried under
 * the configured confirmations, and again (revert) if a reorg takes them out.
 *
 * Exactly once, across crashes: for each event the sink
 *   1. returns if the event is already recorded (by tx hash + log index) and not reverted;
 *   2. decides the engine effects from the event and the channel row (which nothing but this
 *      step 3 changes for the event) and submits them with a requestId
 *      `chain:<txHash>:<logIndex>:<i>:<blockHash>` (`chain-revert:…` for a revert): the engine
 *      runtime journals the id with the command and applies each id once, also after a restart;
 *   3. records the event and changes the channel row in ONE transaction.
 * A crash anywhere re-delivers the event (the watcher marks it APPLIED only after apply): before
 * step 3 the row is unchanged, so the same effects with the same ids are submitted and the
 * runtime answers the first result; after step 3, step 1 skips it. The block hash in the id
 * keeps a transaction re-mined in another block (revert, then apply again) a new credit.
 *
 * Reorg policy: a reverted ChannelOpened (or a trader top-up) takes the credit back from the
 * engine: all of it, or, if the trader already traded it away, what is available after their
 * resting orders are cancelled (reorg-takeback.ts). What could not be taken back is a shortfall:
 * recorded (ChannelShortfall) with the account suspended and the channel's `alert` set, in the
 * revert's transaction, then the engine's guard is told. A reverted open leaves the channel out
 * of issuance (status OPENING): the state issuer never signs over funding the chain does not show.
 *
 * A released opening (opening-release.ts: CLOSED, `openingReleasedAt`) funded after all is
 * honoured like any open when its trader has no other channel that is not CLOSED; otherwise its
 * events are only recorded, with an alert: crediting it would give one engine account to two
 * channels (the trader can still leave on-chain by challenging with the INITIALIZE state).
 */
import type { Address, Hex } from "viem";
import type { Prisma } from "../../generated/prisma/client";
import type { CustodyEvent, CustodyEventSink } from "../ports";
import { recordShortfall, type TakeBack } from "./reorg-takeback";
import { fundingColumns } from "./repository";
import type { ChannelRow } from "./context";
import type { ChannelService } from "./service";

interface AllocationArg {
  token: Address;
  traderAmount: bigint;
  exchangeAmount: bigint;
}

const CHANNEL_EVENTS = new Set([
  "ChannelOpened",
  "ChannelCheckpointed",
  "ChannelChallenged",
  "ChannelChallengeAnswered",
  "ChannelResized",
  "ChannelClosed",
]);

/** The engine requestId of the i-th effect of an event (apply) or of its revert. */
export function chainRequestId(
  event: Pick<CustodyEvent, "txHash" | "logIndex" | "blockHash">,
  i: number,
  revert = false,
): string {
  return `${revert ? "chain-revert" : "chain"}:${event.txHash.toLowerCase()}:${event.logIndex}:${i}:${event.blockHash.toLowerCase()}`;
}

export function createChannelCustodySink(service: ChannelService): CustodyEventSink {
  const { db } = service.deps;

  function eventKey(event: CustodyEvent) {
    return { txHash: event.txHash.toLowerCase(), logIndex: event.logIndex };
  }

  /** Step 3: the event recorded (or re-activated after a revert) and the channel row changed, together. */
  async function commit(event: CustodyEvent, channelId: string, data: Prisma.ChannelUpdateInput | null): Promise<void> {
    const key = eventKey(event);
    await db.$transaction(async (tx) => {
      const existing = await tx.channelChainEvent.findUnique({ where: { txHash_logIndex: key } });
      if (existing) {
        await tx.channelChainEvent.update({
          where: { txHash_logIndex: key },
          data: { reverted: false, blockHash: event.blockHash, blockNumber: event.blockNumber },
        });
      } else {
        await tx.channelChainEvent.create({
          data: { ...key, name: event.name, channelId, blockNumber: event.blockNumber, blockHash: event.blockHash },
        });
      }
      if (data) await tx.channel.update({ where: { id: channelId }, data });
    });
    await service.channelChanged(channelId);
  }

  async function commitRevert(
    event: CustodyEvent,
    channelId: string,
    data: Prisma.ChannelUpdateInput | null,
    inTx?: (tx: Prisma.TransactionClient) => Promise<unknown>,
  ): Promise<void> {
    await db.$transaction(async (tx) => {
      await tx.channelChainEvent.update({ where: { txHash_logIndex: eventKey(event) }, data: { reverted: true } });
      if (data) await tx.channel.update({ where: { id: channelId }, data });
      await inTx?.(tx);
    });
    await service.channelChanged(channelId);
  }

  /** A reverted credit: the revert committed with what could not be taken back (shortfall rows, suspension, alert), then the engine's guard. */
  async function commitTakeBack(
    event: CustodyEvent,
    channel: { id: string; trader: string },
    what: string,
    taken: readonly TakeBack[],
    data: Prisma.ChannelUpdateInput,
  ): Promise<void> {
    const short = taken.filter((s) => s.shortfall > 0n);
    if (short.length === 0) return commitRevert(event, channel.id, data);
    const figures = short.map((s) => `${s.shortfall} of ${s.owed} ${s.asset}`).join(", ");
    const message = `${what} reorged out after it was traded: shortfall ${figures} (base units) could not be taken back; ${channel.trader} suspended`;
    console.error(`channel ${channel.id}: ${message}`);
    await commitRevert(event, channel.id, { ...data, alert: message }, (tx) =>
      recordShortfall(tx, {
        channelId: channel.id,
        trader: channel.trader,
        log: event,
        shortfalls: short,
        at: new Date(service.now()),
      }),
    );
    service.deps.suspendTrading?.(channel.trader);
  }

  /** A released opening (CLOSED, openingReleasedAt): true when this event must only be recorded, without effects. */
  async function detached(event: CustodyEvent, channel: ChannelRow): Promise<boolean> {
    if (channel.openingReleasedAt === null || channel.status !== "CLOSED") return false;
    if (event.name === "ChannelOpened" && channel.onChainVersion === null) {
      const other = await db.channel.findFirst({
        where: { trader: channel.trader, status: { not: "CLOSED" }, id: { not: channel.id } },
        select: { id: true },
      });
      if (other === null) return false; // funded after its release, and nothing in the way: an open like any other
      await commit(event, channel.id, { onChainVersion: 0n });
      await alert(
        channel.id,
        `released opening funded on-chain while ${channel.trader} has channel ${other.id}: not credited; the trader can leave by challenging with version 0`,
      );
      return true;
    }
    if (channel.onChainVersion === null) return false;
    await commit(event, channel.id, null); // a detached channel: its events are recorded, nothing else
    return true;
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
    const recorded = await db.channelChainEvent.findUnique({ where: { txHash_logIndex: eventKey(event) } });
    if (recorded && !recorded.reverted) return; // applied before, effects included
    if (await detached(event, channel)) return;
    const version = event.args.version === undefined ? 0n : BigInt(event.args.version as number | bigint);
    const credit = (i: number, token: string, amount: bigint) =>
      service.credit(channel.trader, service.symbolOf(token), amount, chainRequestId(event, i));
    switch (event.name) {
      case "ChannelOpened": {
        const allocations = event.args.allocations as readonly AllocationArg[];
        for (let i = 0; i < allocations.length; i++)
          if (allocations[i]!.traderAmount > 0n) await credit(i, allocations[i]!.token, allocations[i]!.traderAmount);
        await commit(event, channelId, {
          status: "ACTIVE",
          onChainVersion: 0n,
          ...fundingColumns(allocations.map((a) => ({ token: a.token, total: a.traderAmount + a.exchangeAmount }))),
          // a released opening funded afterwards and honoured (detached() said so): a channel like any other from now on
          ...(channel.openingReleasedAt === null
            ? {}
            : {
                openingReleasedAt: null,
                openingReleaseReason: `${channel.openingReleaseReason ?? "released"}; funded later, honoured`,
              }),
        });
        return;
      }
      case "ChannelCheckpointed":
      case "ChannelChallengeAnswered": {
        // a newer co-signed state registered over a cancelled withdrawal or close: its RESIZE or CLOSE can never apply now, so the debit comes back
        const cancelDone =
          channel.pendingOp === "CANCEL" && channel.pendingVersion !== null && version >= channel.pendingVersion;
        if (cancelDone) {
          const debits = (channel.pendingDebits ?? []) as { asset: string; amount: string }[];
          for (let i = 0; i < debits.length; i++)
            await service.credit(channel.trader, debits[i]!.asset, BigInt(debits[i]!.amount), chainRequestId(event, i));
        }
        await commit(event, channelId, {
          onChainVersion: version,
          ...(event.name === "ChannelChallengeAnswered" && channel.status === "CHALLENGED" ? { status: "ACTIVE" } : {}),
          // a cancelled close: the channel trades again
          ...(cancelDone && channel.status === "CLOSING" ? { status: "ACTIVE" } : {}),
          ...(cancelDone ? { pendingOp: null, pendingVersion: null, pendingDebits: undefined } : {}),
        });
        return;
      }
      case "ChannelChallenged":
        await commit(event, channelId, { onChainVersion: version, status: "CHALLENGED" });
        return;
      case "ChannelResized": {
        // ours: the pending RESIZE, or a cancelled one the trader got mined before the replacement state (the debit stands either way)
        const ours =
          (channel.pendingOp === "RESIZE" && channel.pendingVersion === version) ||
          (channel.pendingOp === "CANCEL" && channel.pendingVersion === version + 1n);
        const allocations = event.args.allocations as readonly AllocationArg[];
        const deltas = event.args.traderDeltas as readonly bigint[];
        // our RESIZE that locked more of the exchange's tokens: the exchange top-up (ChannelService.requestTopUp) is done
        const exchangeTopUp = ours && (event.args.exchangeDeltas as readonly bigint[]).some((d) => d > 0n);
        // deltas are per token of the merged (previous ∪ new) lists: positive = the trader added money (top-up)
        const tokens = mergedTokens(
          channel.fundingTokens,
          allocations.map((a) => a.token.toLowerCase()),
        );
        for (let i = 0; i < deltas.length; i++) {
          const delta = deltas[i]!;
          if (delta > 0n) await credit(i, tokens[i]!, delta);
          else if (delta < 0n && !ours)
            await alert(
              channelId,
              `resize v${version} paid out ${-delta} of ${tokens[i]} that no pending withdrawal debited`,
            );
        }
        await commit(event, channelId, {
          onChainVersion: version,
          ...fundingColumns(allocations.map((a) => ({ token: a.token, total: a.traderAmount + a.exchangeAmount }))),
          ...(ours ? { pendingOp: null, pendingVersion: null, pendingDebits: undefined } : {}),
          // the next issuance round flags it again if the trader's equity is still above the new funding
          ...(exchangeTopUp ? { needsTopUp: false } : {}),
        });
        return;
      }
      case "ChannelClosed": {
        // ours: the pending CLOSE, or a cancelled one the trader got mined before the replacement state (the debit stands either way)
        const ours =
          (channel.pendingOp === "CLOSE" && channel.pendingVersion === version) ||
          (channel.pendingOp === "CANCEL" && channel.status === "CLOSING" && channel.pendingVersion === version + 1n);
        if (!ours) {
          const allocations = event.args.allocations as readonly AllocationArg[];
          // a pending withdrawal, close or cancel can never apply to a closed channel: its engine debit comes back first
          // (ids after the payout's, so the payout's ids stay what they were)
          const debits =
            channel.pendingOp === null ? [] : ((channel.pendingDebits ?? []) as { asset: string; amount: string }[]);
          for (let i = 0; i < debits.length; i++) {
            await service.credit(
              channel.trader,
              debits[i]!.asset,
              BigInt(debits[i]!.amount),
              chainRequestId(event, allocations.length + i),
            );
          }
          // a close we did not prepare (conclude after a challenge): the trader was paid these; take them out of the engine
          for (let i = 0; i < allocations.length; i++) {
            const a = allocations[i]!;
            if (a.traderAmount === 0n) continue;
            await service
              .debit(channel.trader, service.symbolOf(a.token), a.traderAmount, chainRequestId(event, i))
              .catch((e: unknown) =>
                alert(
                  channelId,
                  `closed on-chain at v${version}: could not debit ${a.traderAmount} of ${a.token}: ${(e as Error).message}`,
                ),
              );
          }
        }
        await commit(event, channelId, {
          status: "CLOSED",
          onChainVersion: version,
          pendingOp: null,
          pendingVersion: null,
        });
        return;
      }
    }
  }

  async function revert(event: CustodyEvent): Promise<void> {
    if (!CHANNEL_EVENTS.has(event.name)) return;
    const channelId = String(event.args.channelId).toLowerCase();
    const channel = await db.channel.findUnique({ where: { id: channelId } });
    if (!channel) return;
    const recorded = await db.channelChainEvent.findUnique({ where: { txHash_logIndex: eventKey(event) } });
    if (!recorded || recorded.reverted) return; // never applied, or reverted before
    if (channel.openingReleasedAt !== null && channel.status === "CLOSED") {
      await commitRevert(event, channelId, null); // a detached released opening: nothing was credited
      return;
    }
    const version = event.args.version === undefined ? 0n : BigInt(event.args.version as number | bigint);
    const takeBack = (i: number, token: string, amount: bigint) =>
      service.takeBack(channel.trader, token, amount, chainRequestId(event, i, true));
    switch (event.name) {
      case "ChannelOpened": {
        const allocations = event.args.allocations as readonly AllocationArg[];
        const taken: TakeBack[] = [];
        for (let i = 0; i < allocations.length; i++)
          if (allocations[i]!.traderAmount > 0n)
            taken.push(await takeBack(i, allocations[i]!.token, allocations[i]!.traderAmount));
        await commitTakeBack(event, channel, "open", taken, { status: "OPENING", onChainVersion: null });
        return;
      }
      case "ChannelChallenged":
        await commitRevert(event, channelId, { status: "ACTIVE" });
        return;
      case "ChannelResized": {
        // the co-signed RESIZE is still valid and will most likely be mined again: keep its debit locked, pending again
        const wasOurs = channel.pendingOp === null && channel.latestVersion >= version;
        const deltas = event.args.traderDeltas as readonly bigint[];
        const allocations = event.args.allocations as readonly AllocationArg[];
        const tokens = mergedTokens(
          channel.fundingTokens,
          allocations.map((a) => a.token.toLowerCase()),
        );
        const exchangeTopUp = wasOurs && (event.args.exchangeDeltas as readonly bigint[]).some((d) => d > 0n);
        const taken: TakeBack[] = [];
        for (let i = 0; i < deltas.length; i++)
          if (deltas[i]! > 0n) taken.push(await takeBack(i, tokens[i]!, deltas[i]!));
        await commitTakeBack(event, channel, "trader top-up", taken, {
          onChainVersion: version - 1n,
          ...(wasOurs ? { pendingOp: "RESIZE", pendingVersion: version } : {}),
          ...(exchangeTopUp ? { needsTopUp: true } : {}),
        });
        return;
      }
      case "ChannelClosed":
        await commitRevert(event, channelId, { status: channel.pendingOp === null ? "ACTIVE" : "CLOSING" });
        await alert(channelId, `close at v${version} was reorged out; waiting for it to be mined again`);
        return;
      default:
        await commitRevert(event, channelId, null);
        return;
    }
  }

  return { apply, revert };
}

/** The sorted union of two token lists, as Custody.resize merges them for its delta arrays. */
function mergedTokens(a: readonly string[], b: readonly string[]): Hex[] {
  return [...new Set([...a, ...b].map((t) => t.toLowerCase()))].sort() as Hex[];
}
