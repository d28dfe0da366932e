/**
 * The chain watcher against a real Hardhat node (port 8640) and a real database: SECURITY.md
 * attack 11 — replayed logs, a restart, a reorg — each custody log's effect happens once, a
 * reorged one is reverted once, its re-mined copy applied once.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { createPublicClient, encodeFunctionData, http, type Hex } from "viem";
import { deployLocal } from "../../contracts/deploy/local";
import type { Deployment } from "../../contracts/deploy/deployment";
import { custodyAbi, demoTokenAbi } from "../../contracts/generated";
import { hardhatTestAccount, LOCAL_ROLES } from "../../core/chain/hardhat-test-accounts";
import { createMigratedTestDatabase, type TestDatabase } from "../db/testing";
import { startChainWatcher, type ChainWatcher, type ChainWatcherOptions } from "./watcher";
import { createRecordingSink, startLocalNode, type LocalNode } from "./watcher.test-util";

const PORT = 8640;
const serverUrl = inject("testDatabaseUrl");
const traderA = hardhatTestAccount(LOCAL_ROLES.traders[0]);
const traderB = hardhatTestAccount(LOCAL_ROLES.traders[1]);

let node: LocalNode;
let deployment: Deployment;
let t: TestDatabase;
let rec: Awaited<ReturnType<typeof createRecordingSink>>;
const running: ChainWatcher[] = [];

beforeAll(async () => {
  node = await startLocalNode(PORT);
  deployment = await deployLocal({ rpcUrl: node.rpcUrl });
  t = await createMigratedTestDatabase(serverUrl);
  rec = await createRecordingSink(t.handle.db);
  for (const trader of [traderA, traderB]) {
    await mined(
      node.wallet(trader.privateKey).writeContract({
        address: deployment.tokens.USDC.address,
        abi: demoTokenAbi,
        functionName: "approve",
        args: [deployment.custody, 10n ** 30n],
      }),
    );
  }
});

afterAll(async () => {
  for (const w of running) await w.stop();
  await t?.drop();
  await node?.stop();
});

async function mined(hash: Promise<Hex>): Promise<bigint> {
  const receipt = await node.client.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success") throw new Error(`${receipt.transactionHash} reverted`);
  return receipt.blockNumber;
}

const deposit = (privateKey: Hex, amountE6: bigint) =>
  mined(
    node.wallet(privateKey).writeContract({
      address: deployment.custody,
      abi: custodyAbi,
      functionName: "deposit",
      args: [deployment.tokens.USDC.address, amountE6],
    }),
  );

/** Every custody log on the canonical chain now, as "txHash:logIndex". */
async function chainLogKeys(): Promise<string[]> {
  const logs = await node.client.getLogs({
    address: deployment.custody,
    fromBlock: BigInt(deployment.deployBlock),
    toBlock: "latest",
  });
  return logs.map((l) => `${l.transactionHash}:${l.logIndex}`).sort();
}

async function effectKeys(): Promise<string[]> {
  return (await rec.effects()).map((e) => `${e.txHash}:${e.logIndex}`).sort();
}

/** A watcher that polls only when told (the loop's own first round aside), with a client that logs its eth_getLogs ranges. */
function watcher(overrides: Partial<ChainWatcherOptions> = {}) {
  const getLogsFrom: bigint[] = [];
  const client = createPublicClient({
    transport: http(node.rpcUrl, {
      onFetchRequest: async (request) => {
        type Call = { method: string; params: [{ fromBlock: Hex }] };
        const body = JSON.parse(await request.clone().text()) as Call | Call[];
        for (const call of Array.isArray(body) ? body : [body]) {
          if (call.method === "eth_getLogs") getLogsFrom.push(BigInt(call.params[0].fromBlock));
        }
      },
    }),
  });
  const w = startChainWatcher({
    db: t.handle.db,
    sink: rec.sink,
    client,
    deployment,
    confirmations: 0,
    pollMs: 3_600_000,
    onError: () => {},
    ...overrides,
  });
  running.push(w);
  return { w, getLogsFrom };
}

describe(`chain watcher (Hardhat node :${PORT}, ${serverUrl ? "PostgreSQL" : "PGlite"})`, () => {
  it("applies every custody log once; replaying the range and restarting apply nothing twice; a restart resumes at the cursor", async () => {
    await deposit(traderA.privateKey, 1_000_000n);
    const { w } = watcher();
    await w.poll();
    const keys = await chainLogKeys();
    expect(keys.length).toBeGreaterThanOrEqual(4); // the exchange's three deposits in deployLocal + ours
    expect(await effectKeys()).toEqual(keys);
    expect(rec.calls.apply).toBe(keys.length);
    expect((await rec.journal()).filter((j) => j.kind === "apply")).toHaveLength(keys.length);

    // Replay: the same range again from the deployment block.
    await t.handle.db.chainCursor.update({
      where: { id: "custody" },
      data: { lastBlock: BigInt(deployment.deployBlock) - 1n, lastBlockHash: null },
    });
    expect(await w.poll()).toEqual({ applied: 0, reverted: 0, reorg: false });
    expect(rec.calls.apply).toBe(keys.length);
    const head = await node.client.getBlockNumber({ cacheTime: 0 });
    expect(w.status()).toMatchObject({ chainHead: head, lastProcessedBlock: head, lagBlocks: 0n, lastError: null });
    await w.stop();

    // Restart: new logs while it was down; the new watcher reads from the cursor on, applies only those.
    const cursor = (await t.handle.db.chainCursor.findUniqueOrThrow({ where: { id: "custody" } })).lastBlock;
    await deposit(traderA.privateKey, 2_000_000n);
    await deposit(traderB.privateKey, 3_000_000n);
    const restarted = watcher();
    await restarted.w.poll();
    expect(restarted.getLogsFrom[0]).toBe(cursor + 1n);
    expect(rec.calls.apply).toBe(keys.length + 2);
    expect(await effectKeys()).toEqual(await chainLogKeys());
    await restarted.w.stop();
  });

  it("holds a log back until it is buried under the configured confirmations", async () => {
    const { w } = watcher({ confirmations: 2 });
    await w.poll();
    const before = rec.calls.apply;
    await deposit(traderA.privateKey, 5n);
    expect((await w.poll()).applied).toBe(0);
    await node.testClient.mine({ blocks: 1 });
    expect((await w.poll()).applied).toBe(0);
    expect(w.status().lagBlocks).toBe(2n);
    await node.testClient.mine({ blocks: 1 });
    expect((await w.poll()).applied).toBe(1);
    expect(rec.calls.apply).toBe(before + 1);
    await w.stop();
  });

  it("a crash between the sink's effect and the watcher's record redelivers the log; its effect happens once", async () => {
    const { w } = watcher();
    await w.poll();
    const before = { calls: rec.calls.apply, effects: (await rec.effects()).length };
    rec.faults.failAfterNextApply = true;
    const block = await deposit(traderB.privateKey, 7n);
    await expect(w.poll()).rejects.toThrow(/simulated crash/);
    expect(w.status().lastError).toMatch(/simulated crash/);
    const row = await t.handle.db.custodyLog.findFirstOrThrow({ where: { blockNumber: block } });
    expect(row.status).toBe("APPLYING");
    expect((await t.handle.db.chainCursor.findUniqueOrThrow({ where: { id: "custody" } })).lastBlock).toBeLessThan(
      block,
    );

    expect((await w.poll()).applied).toBe(1);
    expect(rec.calls.apply).toBe(before.calls + 2); // delivered twice
    expect((await rec.effects()).length).toBe(before.effects + 1); // applied once
    expect((await rec.journal()).filter((j) => j.txHash === row.txHash)).toHaveLength(1);
    expect((await t.handle.db.custodyLog.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("APPLIED");
    await w.stop();
  });

  it("a reorg reverts the reorged log once and applies its re-mined copy and the new fork's log once", async () => {
    const { w } = watcher();
    await w.poll();
    const snapshot = await node.testClient.snapshot();

    // Transaction A, signed once so the very same bytes (same hash) can be mined again on the new fork.
    const walletA = node.wallet(traderA.privateKey);
    const request = await walletA.prepareTransactionRequest({
      account: walletA.account,
      chain: walletA.chain,
      to: deployment.custody,
      data: encodeFunctionData({
        abi: custodyAbi,
        functionName: "deposit",
        args: [deployment.tokens.USDC.address, 11n],
      }),
    });
    const rawA = await walletA.signTransaction(request);
    const blockA = await mined(walletA.sendRawTransaction({ serializedTransaction: rawA }));
    expect((await w.poll()).applied).toBe(1);
    const oldHash = (await node.client.getBlock({ blockNumber: blockA })).hash;
    const txA = (await t.handle.db.custodyLog.findFirstOrThrow({ where: { blockHash: oldHash } })).txHash;
    expect((await rec.effects()).find((e) => e.txHash === txA)?.blockHash).toBe(oldHash);
    const revertsBefore = rec.calls.revert;
    const appliesBefore = rec.calls.apply;

    // The fork: back to the snapshot, an empty block at A's height, then A again and a new deposit B.
    await node.testClient.revert({ id: snapshot });
    await node.testClient.mine({ blocks: 1 });
    expect((await node.client.getBlock({ blockNumber: blockA })).hash).not.toBe(oldHash);
    const blockA2 = await mined(walletA.sendRawTransaction({ serializedTransaction: rawA }));
    const blockB = await deposit(traderB.privateKey, 22n);
    expect(blockA2).toBeGreaterThan(blockA);

    expect(await w.poll()).toEqual({ applied: 2, reverted: 1, reorg: true });
    expect(rec.calls.revert).toBe(revertsBefore + 1);
    expect(rec.calls.apply).toBe(appliesBefore + 2);
    const newHashA = (await node.client.getBlock({ blockNumber: blockA2 })).hash;
    const journalA = (await rec.journal()).filter((j) => j.txHash === txA).map((j) => `${j.kind}@${j.blockHash}`);
    expect(journalA).toEqual([`apply@${oldHash}`, `revert@${oldHash}`, `apply@${newHashA}`]);
    expect((await rec.effects()).find((e) => e.txHash === txA)?.blockHash).toBe(newHashA);
    expect(await effectKeys()).toEqual(await chainLogKeys());
    const rowsA = await t.handle.db.custodyLog.findMany({ where: { txHash: txA }, orderBy: { id: "asc" } });
    expect(rowsA.map((r) => [r.blockHash, r.status])).toEqual([
      [oldHash, "REVERTED"],
      [newHashA, "APPLIED"],
    ]);
    expect(w.status()).toMatchObject({ reorgs: 1, lastProcessedBlock: blockB });

    // Nothing more on the next rounds, nor after a restart.
    expect(await w.poll()).toEqual({ applied: 0, reverted: 0, reorg: false });
    await w.stop();
    const again = watcher();
    expect(await again.w.poll()).toEqual({ applied: 0, reverted: 0, reorg: false });
    expect(rec.calls.revert).toBe(revertsBefore + 1);
    expect(rec.calls.apply).toBe(appliesBefore + 2);
  });
});
