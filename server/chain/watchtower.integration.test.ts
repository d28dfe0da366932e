/**
 * The watchtower against a real Hardhat node (port 8641), real signatures and a real database:
 * SECURITY.md attack 3 on the service side — a stale challenge is answered with the newer
 * co-signed state inside the window and the payout follows the newest; a challenge with the
 * newest state is left alone; after the deadline nothing is sent, and the reason is recorded.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import type { Hex } from "viem";
import { deployLocal } from "../../contracts/deploy/local";
import type { Deployment } from "../../contracts/deploy/deployment";
import { custodyAbi, demoTokenAbi } from "../../contracts/generated";
import { hardhatTestAccount, LOCAL_ROLES } from "../../core/chain/hardhat-test-accounts";
import {
  channelId,
  hashChallenge,
  hashStateStruct,
  Intent,
  signDigest,
  signState,
  toAbiState,
  ZERO_HASH,
  type ChannelDomain,
  type ChannelState,
  type CoSignatures,
} from "../../core/channel";
import { hexToBytes } from "../../core/channel/bytes";
import { createMigratedTestDatabase, type TestDatabase } from "../db/testing";
import { startChainWatcher, type ChainWatcher } from "./watcher";
import { createRecordingSink, startLocalNode, type LocalNode } from "./watcher.test-util";
import { startWatchtower, type LatestStateSource, type Watchtower, type WatchtowerOptions } from "./watchtower";

const PORT = 8641;
const serverUrl = inject("testDatabaseUrl");
const trader = hardhatTestAccount(LOCAL_ROLES.traders[0]);
const exchange = hardhatTestAccount(LOCAL_ROLES.exchange);

let node: LocalNode;
let deployment: Deployment;
let domain: ChannelDomain;
let t: TestDatabase;
let watcher: ChainWatcher;
const towers: Watchtower[] = [];

/** The exchange's co-signed states, as the channels area would keep them (here: in memory): the latest, and every one by version. */
const held = new Map<string, { state: ChannelState; sigs: CoSignatures }>();
const stored = new Map<string, ChannelState>();
const states: LatestStateSource = {
  latestCoSigned: async (id) => held.get(id.toLowerCase()) ?? null,
  stateAt: async (id, version) => stored.get(`${id.toLowerCase()}:${version}`) ?? null,
};

beforeAll(async () => {
  node = await startLocalNode(PORT);
  deployment = await deployLocal({ rpcUrl: node.rpcUrl });
  domain = { chainId: deployment.chainId, verifyingContract: deployment.custody };
  t = await createMigratedTestDatabase(serverUrl);
  const rec = await createRecordingSink(t.handle.db);
  watcher = startChainWatcher({
    db: t.handle.db,
    sink: rec.sink,
    client: node.client,
    deployment,
    confirmations: 0,
    pollMs: 3_600_000,
    onError: () => {},
  });
  await mined(
    node.wallet(trader.privateKey).writeContract({
      address: deployment.tokens.USDC.address,
      abi: demoTokenAbi,
      functionName: "approve",
      args: [deployment.custody, 10n ** 30n],
    }),
  );
});

afterAll(async () => {
  for (const tower of towers) await tower.stop();
  await watcher?.stop();
  await t?.drop();
  await node?.stop();
});

async function mined(hash: Promise<Hex>): Promise<bigint> {
  const receipt = await node.client.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success") throw new Error(`${receipt.transactionHash} reverted`);
  return receipt.blockNumber;
}

const cosign = (state: ChannelState): CoSignatures => ({
  trader: signState(domain, state, trader.privateKey),
  exchange: signState(domain, state, exchange.privateKey),
});

/** Opens a USDC channel (trader 5000, exchange 1000) and co-signs v1 (4000/2000) and v2 (5600/400). */
async function openChannel(nonce: bigint) {
  const id = channelId({
    chainId: domain.chainId,
    custody: deployment.custody,
    trader: trader.address,
    exchange: exchange.address,
    nonce,
  });
  const state = (
    version: bigint,
    intent: ChannelState["intent"],
    traderAmount: bigint,
    exchangeAmount: bigint,
  ): ChannelState => ({
    channelId: id,
    version,
    intent,
    allocations: [{ token: deployment.tokens.USDC.address, traderAmount, exchangeAmount }],
    appDataHash: ZERO_HASH,
  });
  const v0 = state(0n, Intent.INITIALIZE, 5000n, 1000n);
  const v1 = state(1n, Intent.OPERATE, 4000n, 2000n);
  const v2 = state(2n, Intent.OPERATE, 5600n, 400n);
  for (const s of [v0, v1, v2]) stored.set(`${id.toLowerCase()}:${s.version}`, s);
  await mined(
    node.wallet(trader.privateKey).writeContract({
      address: deployment.custody,
      abi: custodyAbi,
      functionName: "depositAndOpen",
      args: [trader.address, nonce, toAbiState(v0), cosign(v0)],
    }),
  );
  return { id, v1, v2 };
}

/** The trader challenges with `state` (co-signed) and signs the challenge. */
function challenge(state: ChannelState) {
  const sig = signDigest(
    hexToBytes(
      hashChallenge(domain, { channelId: state.channelId, version: state.version, stateHash: hashStateStruct(state) }),
    ),
    trader.privateKey,
  );
  return mined(
    node.wallet(trader.privateKey).writeContract({
      address: deployment.custody,
      abi: custodyAbi,
      functionName: "challenge",
      args: [toAbiState(state), cosign(state), trader.address, sig],
    }),
  );
}

const conclude = (state: ChannelState) =>
  mined(
    node.wallet(trader.privateKey).writeContract({
      address: deployment.custody,
      abi: custodyAbi,
      functionName: "conclude",
      args: [toAbiState(state)],
    }),
  );

const onChain = (id: Hex) =>
  node.client.readContract({ address: deployment.custody, abi: custodyAbi, functionName: "channel", args: [id] });
const custodyBalance = (account: Hex) =>
  node.client.readContract({
    address: deployment.custody,
    abi: custodyAbi,
    functionName: "balanceOf",
    args: [account, deployment.tokens.USDC.address],
  });
const exchangeTxCount = () => node.client.getTransactionCount({ address: exchange.address, blockTag: "pending" });
const actions = (id: Hex) =>
  t.handle.db.watchtowerAction.findMany({ where: { channelId: id.toLowerCase() }, orderBy: { id: "asc" } });

function tower(overrides: Partial<WatchtowerOptions> = {}) {
  const w = startWatchtower({
    db: t.handle.db,
    client: node.client,
    wallet: node.wallet(exchange.privateKey),
    deployment,
    states,
    pollMs: 3_600_000,
    onError: () => {},
    ...overrides,
  });
  towers.push(w);
  return w;
}

async function passDeadline() {
  await node.testClient.increaseTime({ seconds: deployment.challengePeriodSeconds });
  await node.testClient.mine({ blocks: 1 });
}

describe(`watchtower (Hardhat node :${PORT}, ${serverUrl ? "PostgreSQL" : "PGlite"})`, () => {
  it("answers a stale challenge with the newer co-signed state once; leaves a challenge with the newest alone; conclude pays the newest", async () => {
    const { id, v1, v2 } = await openChannel(1n);
    held.set(id.toLowerCase(), { state: v2, sigs: cosign(v2) });
    const w = tower();
    const txsBefore = await exchangeTxCount();

    await challenge(v1);
    await watcher.poll();
    await w.poll();
    const [answered] = await actions(id);
    expect(answered).toMatchObject({
      challengedVersion: 1n,
      answeredVersion: 2n,
      outcome: "ANSWERED",
      method: "respond",
      attempts: 1,
    });
    expect(answered!.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect((await node.client.getTransactionReceipt({ hash: answered!.txHash as Hex })).status).toBe("success");
    expect(await onChain(id)).toMatchObject({ status: 1, version: 2 });
    expect(w.status().openChallenges).toEqual([
      expect.objectContaining({
        channelId: id,
        challengedVersion: 1n,
        action: expect.objectContaining({ outcome: "ANSWERED" }),
      }),
    ]);

    // More rounds, and a restarted watchtower, send nothing more.
    await w.poll();
    await tower().poll();
    expect(await exchangeTxCount()).toBe(txsBefore + 1);
    await watcher.poll(); // sees ChannelChallengeAnswered
    await w.poll();
    expect(w.status().openChallenges).toEqual([]);

    // The trader challenges again, now with the newest state: nothing newer to answer with.
    await challenge(v2);
    await watcher.poll();
    await w.poll();
    const second = (await actions(id))[1]!;
    expect(second).toMatchObject({ challengedVersion: 2n, outcome: "NOT_NEEDED", txHash: null });
    expect(second.reason).toMatch(/newest co-signed state is version 2, not newer than the challenged version 2/);
    expect(await exchangeTxCount()).toBe(txsBefore + 1);
    const open = w.status().openChallenges;
    expect(open).toHaveLength(1);
    expect(open[0]!.challengeDeadline).toBe(BigInt((await onChain(id)).challengeDeadline));

    const before = { trader: await custodyBalance(trader.address), exchange: await custodyBalance(exchange.address) };
    await passDeadline();
    await conclude(v2);
    expect(await custodyBalance(trader.address)).toBe(before.trader + 5600n);
    expect(await custodyBalance(exchange.address)).toBe(before.exchange + 400n);
    await watcher.poll();
    await w.poll();
    expect(w.status().openChallenges).toEqual([]);
  });

  it("sends nothing once the deadline has come, and records why; the stale state then pays out", async () => {
    const { id, v1, v2 } = await openChannel(2n);
    held.set(id.toLowerCase(), { state: v2, sigs: cosign(v2) });
    await challenge(v1);
    await watcher.poll();
    await passDeadline(); // the watchtower was down for the whole window
    const txsBefore = await exchangeTxCount();
    const w = tower();
    await w.poll();
    const [missed] = await actions(id);
    expect(missed).toMatchObject({
      challengedVersion: 1n,
      outcome: "MISSED",
      txHash: null,
      answeredVersion: null,
      attempts: 0,
    });
    expect(missed!.reason).toMatch(/^deadline \d+ reached: chain time is \d+.*nothing sent$/);
    expect(await exchangeTxCount()).toBe(txsBefore);
    await w.poll();
    expect(await exchangeTxCount()).toBe(txsBefore);
    expect(await onChain(id)).toMatchObject({ status: 2, version: 1 });

    const before = await custodyBalance(trader.address);
    await conclude(v1);
    expect(await custodyBalance(trader.address)).toBe(before + 4000n);
  });

  it("retries a failed attempt after a backoff, then answers", async () => {
    const { id, v1, v2 } = await openChannel(3n);
    held.set(id.toLowerCase(), { state: v2, sigs: cosign(v2) });
    let failures = 1;
    const flaky: LatestStateSource = {
      ...states,
      latestCoSigned: async (channel) => {
        if (failures-- > 0) throw new Error("channel store unavailable");
        return states.latestCoSigned(channel);
      },
    };
    const w = tower({ states: flaky, retryBaseMs: 300 });
    await challenge(v1);
    await watcher.poll();
    await w.poll();
    const [first] = await actions(id);
    expect(first).toMatchObject({
      outcome: "PENDING",
      attempts: 1,
      lastError: "channel store unavailable",
      txHash: null,
    });
    await w.poll(); // inside the backoff: not retried yet
    expect((await actions(id))[0]).toMatchObject({ outcome: "PENDING", attempts: 1 });
    await new Promise((r) => setTimeout(r, 350));
    await w.poll();
    expect((await actions(id))[0]).toMatchObject({
      outcome: "ANSWERED",
      answeredVersion: 2n,
      attempts: 2,
      lastError: null,
    });
    expect(await onChain(id)).toMatchObject({ status: 1, version: 2 });
  });

  it("concludes an expired challenge nobody concluded once the grace period is over: the challenged state pays, once", async () => {
    const { id, v2 } = await openChannel(4n);
    held.set(id.toLowerCase(), { state: v2, sigs: cosign(v2) });
    const w = tower({ concludeAfterSeconds: 120 });
    await challenge(v2); // with the newest state: nothing to answer
    await watcher.poll();
    await w.poll();
    expect((await actions(id))[0]).toMatchObject({ outcome: "NOT_NEEDED" });
    const txsBefore = await exchangeTxCount();

    await passDeadline();
    await w.poll(); // expired, but the trader has the grace period to conclude (and withdraw) first
    expect((await actions(id))[0]).toMatchObject({ outcome: "MISSED", concludeTxHash: null });
    expect(await exchangeTxCount()).toBe(txsBefore);
    expect(await onChain(id)).toMatchObject({ status: 2 });

    const before = { trader: await custodyBalance(trader.address), exchange: await custodyBalance(exchange.address) };
    await node.testClient.increaseTime({ seconds: 120 });
    await node.testClient.mine({ blocks: 1 });
    await w.poll();
    const concluded = (await actions(id))[0]!;
    expect(concluded.concludeTxHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(concluded.reason).toMatch(
      /concluded by the exchange \d+ s after the deadline: the challenged version 2 pays out/,
    );
    expect((await node.client.waitForTransactionReceipt({ hash: concluded.concludeTxHash as Hex })).status).toBe(
      "success",
    );
    expect(await onChain(id)).toMatchObject({ status: 3, version: 2 });
    expect(await custodyBalance(trader.address)).toBe(before.trader + 5600n);
    expect(await custodyBalance(exchange.address)).toBe(before.exchange + 400n);

    // later rounds and a restarted watchtower send nothing more; the watcher's ChannelClosed ends the challenge
    await w.poll();
    await tower({ concludeAfterSeconds: 120 }).poll();
    expect(await exchangeTxCount()).toBe(txsBefore + 1);
    await watcher.poll();
    await w.poll();
    expect(w.status().openChallenges.filter((c) => c.channelId.toLowerCase() === id.toLowerCase())).toEqual([]);
  });

  it("does not conclude a challenged state it never stored, and says why", async () => {
    const { id, v1 } = await openChannel(5n);
    stored.delete(`${id.toLowerCase()}:1`);
    const w = tower({ concludeAfterSeconds: 0 });
    await challenge(v1);
    await watcher.poll();
    await w.poll(); // no newer state held: nothing to answer
    await passDeadline();
    const txsBefore = await exchangeTxCount();
    await w.poll(); // MISSED
    await w.poll(); // due, but the state is unknown here
    const [action] = await actions(id);
    expect(action).toMatchObject({ outcome: "MISSED", concludeTxHash: null });
    expect(action!.lastError).toMatch(
      /cannot conclude: the challenged state \(version 1, hash 0x[0-9a-f]{64}\) is not one this exchange stored/,
    );
    expect(await exchangeTxCount()).toBe(txsBefore);
    await conclude(v1); // the trader can, with the state they hold
  });
});
