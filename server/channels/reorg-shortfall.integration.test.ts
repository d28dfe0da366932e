/**
 * SECURITY.md attack 20: a deposit reorged out after it was traded. The trader opens a channel
 * with 1000 USDC, spends most of it on WETH and leaves a resting order; then a reorg deeper than
 * the confirmations takes the open off the chain. The custody sink must take back what is
 * available (the resting order cancelled first), suspend the account, and record the shortfall
 * for ops. Real Hardhat node (port 8801): the open is mined, the chain is reverted to a snapshot
 * taken before it (a real reorg), and the sink gets the revert the watcher would send (and again,
 * as after a crash).
 */
import { createTestClient, createWalletClient, http, parseEventLogs, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { custodyAbi, demoTokenAbi } from "../../contracts/generated";
import { HARDHAT_TEST_ACCOUNTS } from "../../core/chain/hardhat-test-accounts";
import { stateTypedData, toAbiState, type ChannelDomain } from "../../core/channel";
import { createMigratedTestDatabase, type TestDatabase } from "../db/testing";
import type { CustodyEvent } from "../ports";
import { chainRequestId, createChannelCustodySink } from "./custody-sink";
import { ChannelService, engineAccountOf } from "./service";
import { chainChannelServiceDeps, startTestChain, SyncEngine, type TestChain } from "./testing";

const EXCHANGE = HARDHAT_TEST_ACCOUNTS[1]!;
const TRADER = HARDHAT_TEST_ACCOUNTS[2]!;
const MAKER = "maker-without-channel";
const USDC = 1_000_000n;

let chain: TestChain;
let t: TestDatabase;
let engine: SyncEngine;
let service: ChannelService;
let domain: ChannelDomain;
let usdc: Address;
const suspended: string[] = [];
const traderAccount = privateKeyToAccount(TRADER.privateKey);
const account = engineAccountOf(TRADER.address);
const usdcOf = () => engine.read((ex) => ex.balance(account, "USDC"));

beforeAll(async () => {
  t = await createMigratedTestDatabase(inject("testDatabaseUrl"));
  chain = await startTestChain(8801);
  engine = new SyncEngine();
  domain = { chainId: chain.deployment.chainId, verifyingContract: chain.deployment.custody };
  usdc = chain.deployment.tokens.USDC.address;
  service = new ChannelService({
    ...chainChannelServiceDeps({ db: t.handle.db, engine, chain, exchangeKey: EXCHANGE.privateKey }),
    submitter: undefined,
    // the engine runtime's guard (EngineRuntime.setAccountSuspended) in the server
    suspendTrading: (a: string) => void suspended.push(a),
  });
  await engine.submit({ type: "deposit", account: MAKER, asset: "WETH", amount: 10n * 10n ** 18n });
}, 180_000);

afterAll(async () => {
  await t?.drop();
  await chain?.stop();
});

/** prepareOpen, co-sign, approve + depositAndOpen from the trader's wallet; the custody events of the open. */
async function openOnChain(amount: bigint): Promise<CustodyEvent[]> {
  const open = await service.prepareOpen(TRADER.address, [{ token: usdc, amount }]);
  const traderSig = await traderAccount.signTypedData(stateTypedData(domain, open.state));
  await service.submitCoSignature(TRADER.address, open.channelId, 0n, traderSig);
  const wallet = createWalletClient({
    account: traderAccount,
    chain: {
      id: domain.chainId,
      name: "local",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [chain.rpcUrl] } },
    },
    transport: http(chain.rpcUrl),
  });
  await chain.client.waitForTransactionReceipt({
    hash: await wallet.writeContract({
      address: usdc,
      abi: demoTokenAbi,
      functionName: "approve",
      args: [domain.verifyingContract, amount],
    }),
  });
  const hash: Hex = await wallet.writeContract({
    address: domain.verifyingContract,
    abi: custodyAbi,
    functionName: "depositAndOpen",
    args: [TRADER.address, open.nonce, toAbiState(open.state), { trader: traderSig, exchange: open.exchangeSignature }],
  });
  const receipt = await chain.client.waitForTransactionReceipt({ hash });
  return parseEventLogs({ abi: custodyAbi, logs: receipt.logs }).map((log) => ({
    name: log.eventName,
    args: log.args as unknown as Record<string, unknown>,
    txHash: log.transactionHash,
    logIndex: log.logIndex,
    blockNumber: log.blockNumber,
    blockHash: log.blockHash,
  }));
}

describe("a deposit reorged out after it was traded (SECURITY.md attack 20)", () => {
  it("takes back what is available, suspends the account and shows the shortfall to ops", async () => {
    const testClient = createTestClient({ mode: "hardhat", transport: http(chain.rpcUrl) });
    const snapshot = await testClient.snapshot();
    const events = await openOnChain(1_000n * USDC);
    const sink = createChannelCustodySink(service);
    for (const e of events) await sink.apply(e);
    expect(usdcOf().available).toBe(1_000n * USDC);

    // the deposit is traded: 0.2 WETH bought for 600 USDC (+ 0.3 USDC taker fee), and a resting bid locks 20 USDC (and its fee)
    await engine.submit({
      type: "place",
      account: MAKER,
      market: "WETH-USDC",
      side: "sell",
      kind: "limit",
      sizeBase: 2n * 10n ** 17n,
      pricePerLot: 3_000_000n,
    });
    await engine.submit({
      type: "place",
      account,
      market: "WETH-USDC",
      side: "buy",
      kind: "market",
      sizeBase: 2n * 10n ** 17n,
      worstPricePerLot: 3_100_000n,
    });
    await engine.submit({
      type: "place",
      account,
      market: "WETH-USDC",
      side: "buy",
      kind: "limit",
      sizeBase: 10n ** 16n,
      pricePerLot: 2_000_000n,
    });
    const left = 1_000n * USDC - 600n * USDC - 300_000n;
    const traded = usdcOf();
    expect(traded.available + traded.locked).toBe(left);
    expect(traded.locked).toBeGreaterThanOrEqual(20n * USDC); // the bid's 20 USDC and its fee

    // a reorg deeper than the confirmations: the open is no longer on the chain
    await testClient.revert({ id: snapshot });
    await testClient.mine({ blocks: 2 });
    const opened = events.find((e) => e.name === "ChannelOpened")!;
    expect(await chain.client.getTransactionReceipt({ hash: opened.txHash }).catch(() => null)).toBeNull();
    for (const e of [...events].reverse()) await sink.revert(e);

    // what was available came back, the resting order's lock included; nothing is left to trade with
    expect(usdcOf()).toEqual({ available: 0n, locked: 0n });
    expect(engine.read((ex) => ex.openOrders(account))).toEqual([]);
    // the account is suspended: in the User table (sessions, restarts) and in the engine's guard
    const user = await t.handle.db.user.findUniqueOrThrow({ where: { address: account } });
    expect(user.suspendedAt).not.toBeNull();
    expect(user.suspendReason).toMatch(/reorged out/);
    expect(suspended).toEqual([account]);
    // the shortfall is recorded for ops: what the reorg took, what came back, what is missing
    const shortfalls = await t.handle.db.channelShortfall.findMany({ where: { trader: account } });
    expect(shortfalls).toHaveLength(1);
    expect(shortfalls[0]).toMatchObject({
      asset: "USDC",
      token: usdc.toLowerCase(),
      txHash: opened.txHash.toLowerCase(),
    });
    expect(BigInt(shortfalls[0]!.owed.toFixed())).toBe(1_000n * USDC);
    expect(BigInt(shortfalls[0]!.takenBack.toFixed())).toBe(left);
    expect(BigInt(shortfalls[0]!.shortfall.toFixed())).toBe(1_000n * USDC - left);
    const audit = await t.handle.db.auditLog.findMany({ where: { action: "user.suspend", target: account } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe("system");
    const channel = await t.handle.db.channel.findFirstOrThrow({ where: { trader: account } });
    expect(channel.status).toBe("OPENING");
    expect(channel.alert).toMatch(/shortfall/);

    // a crash after the engine commands but before the revert was recorded: the same commands go in again
    // (same requestIds, same bodies) and the engine answers their first results, whatever arrived since
    await engine.submit({ type: "deposit", account, asset: "USDC", amount: 5n * USDC });
    const again = await service.takeBack(account, usdc, 1_000n * USDC, chainRequestId(opened, 0, true));
    expect(again).toMatchObject({ owed: 1_000n * USDC, takenBack: left, shortfall: 1_000n * USDC - left });
    expect(usdcOf().available).toBe(5n * USDC);

    // the revert delivered again (watcher restart): nothing taken twice, nothing recorded twice
    for (const e of [...events].reverse()) await sink.revert(e);
    expect(await t.handle.db.channelShortfall.count()).toBe(1);
    expect(await t.handle.db.auditLog.count({ where: { action: "user.suspend" } })).toBe(1);
  });
});
