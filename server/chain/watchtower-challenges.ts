/**
 * Open challenges as the chain watcher has recorded them: a ChannelChallenged log that is
 * applied and not followed (in chain order) by an applied log that ends it on that channel
 * (ChannelChallengeAnswered, ChannelClosed, ChannelResized). For the watchtower and the ops console.
 */
import type { Hex } from "viem";
import type { WatchtowerOutcome } from "../../generated/prisma/client";
import type { Db } from "../db";
import { rowToRawLog, toCustodyEvent } from "./cursor";

export interface OpenChallenge {
  channelId: Hex;
  challengedVersion: bigint;
  /** unix seconds (chain time): an answer must be mined strictly before it */
  challengeDeadline: bigint;
  challenger: Hex;
  stateHash: Hex;
  txHash: Hex;
  blockNumber: bigint;
  /** what the watchtower did about it so far, if anything */
  action: {
    outcome: WatchtowerOutcome;
    reason: string | null;
    answeredVersion: bigint | null;
    txHash: string | null;
    attempts: number;
  } | null;
}

const ENDS_CHALLENGE = ["ChannelChallengeAnswered", "ChannelClosed", "ChannelResized"];

export async function listOpenChallenges(db: Db): Promise<OpenChallenge[]> {
  const challenges = await db.custodyLog.findMany({
    where: { eventName: "ChannelChallenged", status: "APPLIED" },
    orderBy: [{ blockNumber: "asc" }, { logIndex: "asc" }],
  });
  if (challenges.length === 0) return [];
  const channelIds = [...new Set(challenges.map((c) => c.channelId!))];
  const enders = await db.custodyLog.findMany({
    where: { eventName: { in: ENDS_CHALLENGE }, status: "APPLIED", channelId: { in: channelIds } },
  });
  const after = (a: { blockNumber: bigint; logIndex: number }, b: { blockNumber: bigint; logIndex: number }) =>
    a.blockNumber > b.blockNumber || (a.blockNumber === b.blockNumber && a.logIndex > b.logIndex);
  const open = challenges.filter((c) => !enders.some((e) => e.channelId === c.channelId && after(e, c)));
  const out: OpenChallenge[] = [];
  for (const row of open) {
    const args = toCustodyEvent(rowToRawLog(row)).args as {
      channelId: Hex;
      version: number | bigint;
      challengeDeadline: number | bigint;
      stateHash: Hex;
      challenger: Hex;
    };
    const version = BigInt(args.version);
    const deadline = BigInt(args.challengeDeadline);
    const action = await db.watchtowerAction.findUnique({
      where: {
        channelId_challengedVersion_challengeDeadline: {
          channelId: row.channelId!,
          challengedVersion: version,
          challengeDeadline: deadline,
        },
      },
    });
    out.push({
      channelId: row.channelId as Hex,
      challengedVersion: version,
      challengeDeadline: deadline,
      challenger: args.challenger,
      stateHash: args.stateHash,
      txHash: row.txHash as Hex,
      blockNumber: row.blockNumber,
      action: action
        ? {
            outcome: action.outcome,
            reason: action.reason,
            answeredVersion: action.answeredVersion,
            txHash: action.txHash,
            attempts: action.attempts,
          }
        : null,
    });
  }
  return out;
}
