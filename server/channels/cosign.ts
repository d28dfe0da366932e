/** Co-signatures: checks and stores the trader's signature of a state, then starts what it unblocks (a top-up, a submission). */
import { getAddress, type Address, type Hex } from "viem";
import { hashStateBytes, Intent, type ChannelState } from "../../core/channel";
import { ClearlineError } from "../../core/errors";
import { notFound, type ChannelContext } from "./context";
import { stateFromRow } from "./repository";
import type { SubmissionStatus } from "./submissions";

/**
 * Stores the trader's signature of `version` after checking it (strict form, this chain,
 * contract and channel, the channel's trader; ERC-1271 through the custody contract for a
 * contract wallet). Submits a pending resize, close or checkpoint once everything it needs is
 * signed. A submission that fails does not fail the call: the co-signature is stored, and
 * `submission` says what happened (state "retrying" with the error and the next attempt, which
 * the background loop makes; "refused"/"failed" with the reason, also in the channel's alert).
 * `startTopUp` runs when the co-signed state is the latest of an ACTIVE channel flagged needsTopUp.
 */
export async function submitCoSignature(
  ctx: ChannelContext,
  startTopUp: (channelId: string) => void,
  trader: Address,
  channelId: Hex,
  version: bigint,
  signature: Hex,
): Promise<{ coSignedVersion: bigint; submittedTx: Hex | null; submission: SubmissionStatus | null }> {
  const { db } = ctx;
  const channel = await db.channel.findUnique({ where: { id: channelId.toLowerCase() } });
  if (!channel || channel.trader !== getAddress(trader))
    notFound(`no channel ${channelId} of ${trader}`, { channelId });
  const row = await db.channelState.findUnique({ where: { channelId_version: { channelId: channel.id, version } } });
  if (!row) notFound(`channel ${channelId} has no state v${version}`, { channelId, version });
  if (channel.pendingOp === "CANCEL" && (row.intent === Intent.RESIZE || row.intent === Intent.CLOSE)) {
    const what = row.intent === Intent.RESIZE ? "withdrawal" : "close";
    throw new ClearlineError(
      "PRECONDITION_FAILED",
      `the ${what} at v${version} was cancelled: co-sign v${channel.pendingVersion ?? version + 1n} instead`,
      { channelId, version },
    );
  }
  if (channel.pendingOp === "RESIZE" && channel.pendingVersion !== null && version > channel.pendingVersion) {
    const resize = await db.channelState.findUnique({
      where: { channelId_version: { channelId: channel.id, version: channel.pendingVersion } },
    });
    if (!resize?.traderSignature) {
      throw new ClearlineError("PRECONDITION_FAILED", `co-sign the RESIZE state v${channel.pendingVersion} first`, {
        channelId,
        version,
        resizeVersion: channel.pendingVersion,
      });
    }
  }
  const stored = stateFromRow(row, channel.trader as Address);
  await verifyTraderSignature(ctx, channel.trader as Address, stored.state, signature);
  await db.$transaction([
    db.channelState.update({
      where: { channelId_version: { channelId: channel.id, version } },
      data: { traderSignature: signature },
    }),
    db.channel.updateMany({
      where: { id: channel.id, OR: [{ coSignedVersion: null }, { coSignedVersion: { lt: version } }] },
      data: { coSignedVersion: version },
    }),
  ]);
  const fresh = await db.channel.findUniqueOrThrow({ where: { id: channel.id } });
  // the latest state now carries both signatures: a top-up can be built on it (not awaited: it reads the chain)
  if (
    fresh.needsTopUp &&
    fresh.pendingOp === null &&
    fresh.status === "ACTIVE" &&
    version === fresh.latestVersion &&
    ctx.deps.autoTopUp !== false
  ) {
    startTopUp(channel.id);
  }
  const submission = (await ctx.submissions?.submitNow(channel.id)) ?? null;
  const submittedTx = submission?.state === "submitted" ? submission.txHash : null;
  return { coSignedVersion: fresh.coSignedVersion ?? version, submittedTx, submission };
}

/** The trader's signature of `state`: EOA by recovery, else ERC-1271 through the custody contract; CHANNEL_SIGNATURE_INVALID if neither. */
async function verifyTraderSignature(
  ctx: ChannelContext,
  trader: Address,
  state: ChannelState,
  signature: Hex,
): Promise<void> {
  const { deps } = ctx;
  const digest = hashStateBytes(deps.domain, state);
  if (deps.verifier.verifyDigest(digest, signature, trader)) return;
  // a smart-contract wallet signs with ERC-1271: ask the custody contract, as it will at use
  if (/^0x[0-9a-fA-F]*$/.test(signature) && (await deps.chain.isContract(trader))) {
    if (await deps.chain.isValidStateSignature(trader, state, signature)) return;
  }
  throw new ClearlineError(
    "CHANNEL_SIGNATURE_INVALID",
    `not ${trader}'s signature of channel ${state.channelId} v${state.version} on chain ${deps.domain.chainId}`,
    {
      channelId: state.channelId,
      version: state.version,
      signer: trader,
    },
  );
}
