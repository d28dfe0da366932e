/**
 * The chain watcher: follows the custody contract's logs from its deployment block, buried
 * under `confirmations` blocks, and hands each to the CustodyEventSink once; reverts what a
 * reorg took away. Guarantees (docs/CHAIN.md):
 *
 * - Order: logs are applied in chain order (block, log index); reverts newest first.
 * - Once: a log is recorded (APPLYING) before sink.apply and marked APPLIED after it; a replayed
 *   range or a restart skips APPLIED logs. If the process dies (or apply throws) between the two,
 *   the log is delivered again: the sink must be idempotent by (txHash, logIndex) — then its
 *   effect happens exactly once. In a run without such a failure, apply is called exactly once.
 * - Reorgs: the cursor's block hash is checked on every round; when it is no longer canonical
 *   the watcher finds the newest remembered canonical block, calls sink.revert for every log
 *   above it (newest first; idempotent in the same way), and rescans from there.
 */
import type { Hex, PublicClient } from "viem";
import type { Deployment } from "../../contracts/deploy/deployment";
import type { Db } from "../db";
import type { CustodyEventSink } from "../ports";
import {
  advanceCursor,
  beginApply,
  finishApply,
  liveLogsAbove,
  markReverted,
  readCursor,
  rememberedBlocks,
  rewindCursor,
  rowToRawLog,
  toCustodyEvent,
  type BlockRef,
  type Cursor,
  type RawCustodyLog,
} from "./cursor";
import { canonicalHash, findCommonAncestor } from "./reorg";

export interface ChainWatcherOptions {
  db: Db;
  sink: CustodyEventSink;
  client: PublicClient;
  deployment: Pick<Deployment, "custody" | "deployBlock">;
  /** blocks a log must be buried under before it is applied (0: apply at the head) */
  confirmations: number;
  /** pause between rounds (default 1000 ms); a failed round is retried after the same pause */
  pollMs?: number;
  /** blocks per eth_getLogs request (default 2000) */
  maxBlockRange?: number;
  /** remembered block hashes below the processed block, beyond `confirmations` (default 256) */
  keepBlocks?: number;
  /** where failed rounds are reported (default console.error) */
  onError?: (error: unknown) => void;
}

export interface ChainWatcherStatus {
  running: boolean;
  confirmations: number;
  /** the chain's newest block at the last round */
  chainHead: bigint | null;
  /** every custody log up to this block is applied */
  lastProcessedBlock: bigint | null;
  /** chainHead − lastProcessedBlock (at least `confirmations` when caught up) */
  lagBlocks: bigint | null;
  lastRoundAt: Date | null;
  /** the last round's error, null once a round succeeds */
  lastError: string | null;
  /** since this watcher started */
  appliedEvents: number;
  revertedEvents: number;
  reorgs: number;
}

export interface RoundResult {
  applied: number;
  reverted: number;
  reorg: boolean;
}

export interface ChainWatcher {
  /** Runs one round now (after any round in progress) and returns what it did. */
  poll(): Promise<RoundResult>;
  status(): ChainWatcherStatus;
  /** Stops the loop and waits for the round in progress. */
  stop(): Promise<void>;
}

export function startChainWatcher(options: ChainWatcherOptions): ChainWatcher {
  const { db, sink, client, deployment, confirmations } = options;
  const pollMs = options.pollMs ?? 1000;
  const maxRange = BigInt(options.maxBlockRange ?? 2000);
  const keepBlocks = BigInt((options.keepBlocks ?? 256) + confirmations);
  const startBlock = BigInt(deployment.deployBlock);
  const onError = options.onError ?? ((error: unknown) => console.error("chain watcher:", error));

  const state: ChainWatcherStatus = {
    running: true,
    confirmations,
    chainHead: null,
    lastProcessedBlock: null,
    lagBlocks: null,
    lastRoundAt: null,
    lastError: null,
    appliedEvents: 0,
    revertedEvents: 0,
    reorgs: 0,
  };

  async function revertAbove(block: bigint): Promise<number> {
    let reverted = 0;
    for (const row of await liveLogsAbove(db, block)) {
      await sink.revert(toCustodyEvent(rowToRawLog(row)));
      await markReverted(db, row.id);
      reverted++;
    }
    return reverted;
  }

  /** Logs above the cursor left by an interrupted round whose blocks are no longer canonical. */
  async function revertOrphansAbove(cursor: Cursor): Promise<number> {
    let reverted = 0;
    const hashes = new Map<bigint, Hex | null>();
    for (const row of await liveLogsAbove(db, cursor.lastBlock)) {
      if (!hashes.has(row.blockNumber)) hashes.set(row.blockNumber, await canonicalHash(client, row.blockNumber));
      if (hashes.get(row.blockNumber) === row.blockHash) continue;
      await sink.revert(toCustodyEvent(rowToRawLog(row)));
      await markReverted(db, row.id);
      reverted++;
    }
    return reverted;
  }

  async function fetchRange(
    from: bigint,
    to: bigint,
  ): Promise<{ logs: RawCustodyLog[]; end: BlockRef; seen: BlockRef[] }> {
    const endBlock = await client.getBlock({ blockNumber: to });
    const logs = await client.getLogs({ address: deployment.custody, fromBlock: from, toBlock: to });
    // Every log must come from the canonical chain that ends in `endBlock`: a reorg between the two
    // requests would otherwise mix forks. Checking each log's block against the chain now, and the
    // end block once more, catches it (the round fails and is retried).
    const seen = new Map<bigint, Hex>();
    for (const log of logs) {
      if (log.blockNumber === null || log.blockHash === null || log.transactionHash === null || log.logIndex === null) {
        throw new Error(`eth_getLogs returned a pending log for ${from}..${to}`);
      }
      if (!seen.has(log.blockNumber)) seen.set(log.blockNumber, (await canonicalHash(client, log.blockNumber)) ?? "0x");
      if (seen.get(log.blockNumber) !== log.blockHash)
        throw new Error(`block ${log.blockNumber} changed while reading logs ${from}..${to}; retrying`);
    }
    if ((await canonicalHash(client, to)) !== endBlock.hash)
      throw new Error(`block ${to} changed while reading logs; retrying`);
    const raw = logs
      .map((log) => ({
        txHash: log.transactionHash!,
        logIndex: log.logIndex!,
        blockNumber: log.blockNumber!,
        blockHash: log.blockHash!,
        topics: log.topics as Hex[],
        data: log.data,
      }))
      .sort((a, b) =>
        a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
      );
    return {
      logs: raw,
      end: { number: to, hash: endBlock.hash },
      seen: [...seen].map(([number, hash]) => ({ number, hash })),
    };
  }

  async function round(): Promise<RoundResult> {
    const result: RoundResult = { applied: 0, reverted: 0, reorg: false };
    const head = await client.getBlockNumber({ cacheTime: 0 });
    state.chainHead = head;
    let cursor = await readCursor(db, deployment.deployBlock);

    if (cursor.lastBlockHash !== null && (await canonicalHash(client, cursor.lastBlock)) !== cursor.lastBlockHash) {
      const ancestor = await findCommonAncestor(client, await rememberedBlocks(db), startBlock);
      result.reorg = true;
      state.reorgs++;
      result.reverted += await revertAbove(ancestor.lastBlock);
      await rewindCursor(db, ancestor);
      cursor = ancestor;
    } else {
      result.reverted += await revertOrphansAbove(cursor);
    }
    state.revertedEvents += result.reverted;

    const target = head - BigInt(confirmations);
    for (let from = cursor.lastBlock + 1n; from <= target;) {
      const to = from + maxRange - 1n < target ? from + maxRange - 1n : target;
      const { logs, end, seen } = await fetchRange(from, to);
      for (const log of logs) {
        const event = toCustodyEvent(log);
        if ((await beginApply(db, log, event)) === "applied") continue;
        await sink.apply(event);
        await finishApply(db, log);
        result.applied++;
        state.appliedEvents++;
      }
      // The first range also remembers the start block, so a reorg of everything is recognisable.
      if (cursor.lastBlockHash === null && from === startBlock && from !== to) {
        const first = await canonicalHash(client, from);
        if (first) seen.push({ number: from, hash: first });
      }
      await advanceCursor(db, end, seen, to - keepBlocks);
      cursor = { lastBlock: to, lastBlockHash: end.hash };
      from = to + 1n;
    }
    state.lastProcessedBlock = cursor.lastBlock;
    state.lagBlocks = head - cursor.lastBlock;
    return result;
  }

  // One round at a time: the loop and poll() share this chain.
  let chain: Promise<unknown> = Promise.resolve();
  const poll = (): Promise<RoundResult> => {
    const next = chain.then(async () => {
      try {
        const result = await round();
        state.lastError = null;
        return result;
      } catch (error) {
        state.lastError = error instanceof Error ? error.message : String(error);
        throw error;
      } finally {
        state.lastRoundAt = new Date();
      }
    });
    chain = next.catch(() => undefined);
    return next;
  };

  let timer: NodeJS.Timeout | null = null;
  const loop = () => {
    if (!state.running) return;
    poll()
      .catch(onError)
      .finally(() => {
        if (state.running) timer = setTimeout(loop, pollMs);
      });
  };
  loop();

  return {
    poll,
    status: () => ({ ...state }),
    async stop() {
      state.running = false;
      if (timer) clearTimeout(timer);
      await chain;
    },
  };
}
