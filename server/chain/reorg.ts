/**
 * Reorg detection for the chain watcher: is a block we processed still canonical, and if not,
 * which remembered block is the newest common ancestor of what we processed and the chain now.
 */
import { BlockNotFoundError, type Hex, type PublicClient } from "viem";
import type { BlockRef } from "./cursor";

/** The canonical hash at a height, or null when the chain is shorter (e.g. after evm_revert). */
export async function canonicalHash(client: PublicClient, number: bigint): Promise<Hex | null> {
  if (number < 0n) return null;
  try {
    const block = await client.getBlock({ blockNumber: number });
    return block.hash;
  } catch (error) {
    if (error instanceof BlockNotFoundError) return null;
    throw error;
  }
}

/** A reorg reached below every block the watcher remembers: it cannot tell what to revert. */
export class ReorgTooDeepError extends Error {
  constructor(readonly oldestRemembered: bigint | null) {
    super(
      `chain reorganised below every remembered block (oldest remembered: ${oldestRemembered ?? "none"}); ` +
        "raise keepBlocks or rebuild the chain-derived data (server/db/chain-binding.ts)",
    );
    this.name = "ReorgTooDeepError";
  }
}

/**
 * The newest remembered block that is still canonical. `remembered` is newest first. When none
 * is (all were reorged out) and the oldest remembered one is the first block the watcher ever
 * processed from `startBlock`, everything from `startBlock` is rescanned; otherwise throws.
 */
export async function findCommonAncestor(
  client: PublicClient,
  remembered: readonly BlockRef[],
  startBlock: bigint,
): Promise<{ lastBlock: bigint; lastBlockHash: Hex | null }> {
  for (const block of remembered) {
    if ((await canonicalHash(client, block.number)) === block.hash)
      return { lastBlock: block.number, lastBlockHash: block.hash };
  }
  const oldest = remembered.at(-1)?.number ?? null;
  // Nothing was pruned yet if the oldest remembered block is within the first range from startBlock:
  // rescanning from startBlock then covers everything.
  if (oldest === null || oldest <= startBlock) return { lastBlock: startBlock - 1n, lastBlockHash: null };
  throw new ReorgTooDeepError(oldest);
}
