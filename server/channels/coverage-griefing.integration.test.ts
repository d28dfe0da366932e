/**
 * SECURITY.md attack 16, coverage griefing: an address with no funds asks to open a channel with
 * an enormous deposit. The exchange must not reserve its coverage for a channel nobody funds:
 * coverage per opening is bounded (per address and asset, and all openings together), unfunded
 * openings expire, ops can release one, and a released or expired opening reserves nothing.
 * Real Hardhat node (port 8800), real database, real signatures; the service's clock is the test's.
 */
import { createWalletClient, http, keccak256, parseEventLogs, stringToHex, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { custodyAbi, demoTokenAbi } from "../../contracts/generated";
import { HARDHAT_TEST_ACCOUNTS } from "../../core/chain/hardhat-test-accounts";
import { stateTypedData, toAbiState } from "../../core/channel";
import { ClearlineError } from "../../core/errors";
import { createMigratedTestDatabase, type TestDatabase } from "../db/testing";
import { createChannelCustodySink } from "./custody-sink";
import { reservedForOpening } from "./repository";
import { ChannelService, type OpenInstructions } from "./service";
import { chainChannelServiceDeps, startTestChain, SyncEngine, type TestChain } from "./testing";

const EXCHANGE = HARDHAT_TEST_ACCOUNTS[1]!;
const HONEST = HARDHAT_TEST_ACCOUNTS[3]!.address;
const WBTC = 100_000_000n; // 8 decimals
const T0 = 1_800_000_000_000;
const TTL_SECONDS = 600;

/** fresh addresses nobody funded */
const fresh = (i: number): Address => privateKeyToAccount(keccak256(stringToHex(`griefer ${i}`))).address;

let chain: TestChain;
let t: TestDatabase;
let engine: SyncEngine;
let service: ChannelService;
let wbtc: Address;
let now = T0;

const free = () => service.deps.chain.exchangeAvailable(wbtc);
const reserved = () => reservedForOpening(t.handle.db, wbtc, new Date(now));
const coverageOf = (open: { state: { allocations: readonly { exchangeAmount: bigint }[] } }) =>
  open.state.allocations[0]!.exchangeAmount;

async function refusal(promise: Promise<unknown>): Promise<ClearlineError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClearlineError);
  return error as ClearlineError;
}

beforeAll(async () => {
  t = await createMigratedTestDatabase(inject("testDatabaseUrl"));
  chain = await startTestChain(8800);
  wbtc = chain.deployment.tokens.WBTC.address;
  engine = new SyncEngine();
  // no submitter: nothing here is funded on-chain
  service = new ChannelService({
    ...chainChannelServiceDeps({ db: t.handle.db, engine, chain, exchangeKey: EXCHANGE.privateKey }),
    submitter: undefined,
    clock: () => now,
    openingPolicy: { ttlSeconds: TTL_SECONDS, maxShareBps: 1_000n, reserveMaxBps: 5_000n },
  });
}, 180_000);

afterAll(async () => {
  await t?.drop();
  await chain?.stop();
});

/** The trader co-signs `open`'s INITIALIZE state, approves and sends depositAndOpen; the custody sink gets its events. */
async function fundAndDeliver(trader: (typeof HARDHAT_TEST_ACCOUNTS)[number], open: OpenInstructions): Promise<void> {
  const domain = { chainId: chain.deployment.chainId, verifyingContract: chain.deployment.custody };
  const account = privateKeyToAccount(trader.privateKey);
  const wallet = createWalletClient({
    account,
    chain: {
      id: domain.chainId,
      name: "local",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [chain.rpcUrl] } },
    },
    transport: http(chain.rpcUrl),
  });
  const traderSig = await account.signTypedData(stateTypedData(domain, open.state));
  for (const a of open.depositAndOpen.approvals)
    await chain.client.waitForTransactionReceipt({
      hash: await wallet.writeContract({
        address: a.token,
        abi: demoTokenAbi,
        functionName: "approve",
        args: [domain.verifyingContract, a.amount],
      }),
    });
  const hash: Hex = await wallet.writeContract({
    address: domain.verifyingContract,
    abi: custodyAbi,
    functionName: "depositAndOpen",
    args: [trader.address, open.nonce, toAbiState(open.state), { trader: traderSig, exchange: open.exchangeSignature }],
  });
  const receipt = await chain.client.waitForTransactionReceipt({ hash });
  expect(receipt.status).toBe("success");
  const sink = createChannelCustodySink(service);
  for (const log of parseEventLogs({ abi: custodyAbi, logs: receipt.logs }))
    await sink.apply({
      name: log.eventName,
      args: log.args as unknown as Record<string, unknown>,
      txHash: log.transactionHash,
      logIndex: log.logIndex,
      blockNumber: log.blockNumber,
      blockHash: log.blockHash,
    });
}

describe("coverage griefing (SECURITY.md attack 16)", () => {
  it("a fresh address asking for 10^30 WBTC gets at most its share of the free WBTC; the next trader's open is still fully covered", async () => {
    const balance = await free();
    expect(balance).toBe(10_000n * WBTC); // the local deployment's float
    const greedy = await service.prepareOpen(fresh(0), [{ token: wbtc, amount: 10n ** 30n }]);
    // one opening takes at most 10 % of the exchange's free balance, not all of it
    expect(coverageOf(greedy)).toBe(1_000n * WBTC);
    expect(await reserved()).toBe(1_000n * WBTC);

    const honest = await service.prepareOpen(HONEST, [{ token: wbtc, amount: 1n * WBTC }]);
    expect(coverageOf(honest)).toBe(2n * WBTC); // 2× the deposit, as the policy says
  });

  it("all openings together reserve at most half the free balance: a swarm of fresh addresses cannot take it all", async () => {
    const balance = await free();
    for (let i = 1; i <= 8; i++) await service.prepareOpen(fresh(i), [{ token: wbtc, amount: 10n ** 30n }]);
    expect(await reserved()).toBe((balance * 5_000n) / 10_000n);
    const late = await service.prepareOpen(fresh(9), [{ token: wbtc, amount: 10n ** 30n }]);
    expect(coverageOf(late)).toBe(0n);
    // what openings may not reserve stays free for top-ups and fee withdrawals
    expect(balance - (await reserved())).toBe(5_000n * WBTC);
  });

  it("an unfunded opening expires after the TTL: its reservation is released and its address may open again", async () => {
    const channel = await t.handle.db.channel.findFirstOrThrow({ where: { trader: fresh(0) } });
    expect(channel.openingExpiresAt?.getTime()).toBe(T0 + TTL_SECONDS * 1_000);
    await expect(refusal(service.prepareOpen(fresh(0), [{ token: wbtc, amount: 1n }]))).resolves.toMatchObject({
      code: "CONFLICT",
    });
    now = T0 + TTL_SECONDS * 1_000; // the moment it expires
    expect(await reserved()).toBe(0n); // nothing is promised to openings nobody funded
    const again = await service.prepareOpen(fresh(0), [{ token: wbtc, amount: 1n * WBTC }]);
    expect(coverageOf(again)).toBe(2n * WBTC);
    const old = await t.handle.db.channel.findUniqueOrThrow({ where: { id: channel.id } });
    expect(old).toMatchObject({ status: "CLOSED", openingReleaseReason: "expired unfunded" });
    expect(old.openingReleasedAt?.getTime()).toBe(now);
  });

  it("ops release an opening: its reservation is gone at once; an ACTIVE channel or an unknown one is refused with a code that names it", async () => {
    const open = await service.prepareOpen(fresh(20), [{ token: wbtc, amount: 10n ** 30n }]);
    const before = await reserved();
    expect(before).toBeGreaterThanOrEqual(coverageOf(open));
    const released = await service.releaseOpening(open.channelId, "suspected griefing");
    expect(released).toMatchObject({
      channelId: open.channelId,
      trader: fresh(20),
      released: [{ token: wbtc.toLowerCase(), amount: coverageOf(open) }],
    });
    expect(await reserved()).toBe(before - coverageOf(open));
    expect(await t.handle.db.channel.findUniqueOrThrow({ where: { id: open.channelId } })).toMatchObject({
      status: "CLOSED",
      openingReleaseReason: "released by ops: suspected griefing",
    });
    expect((await refusal(service.releaseOpening(open.channelId, "again"))).code).toBe("CHANNEL_NOT_OPENING");
    expect((await refusal(service.releaseOpening(`0x${"ab".repeat(32)}`, "x"))).code).toBe("CHANNEL_NOT_FOUND");
  });
  it("a released opening funded later anyway: honoured when its trader has no other channel, only recorded (with an alert, no credit) when they have", async () => {
    const alone = HARDHAT_TEST_ACCOUNTS[5]!;
    const first = await service.prepareOpen(alone.address, [{ token: wbtc, amount: 1n * WBTC }]);
    await service.releaseOpening(first.channelId, "test: released, then funded");
    await fundAndDeliver(alone, first);
    expect(await t.handle.db.channel.findUniqueOrThrow({ where: { id: first.channelId } })).toMatchObject({
      status: "ACTIVE",
      openingReleasedAt: null,
      alert: null,
    });
    expect(engine.read((ex) => ex.balance(alone.address, "WBTC").available)).toBe(1n * WBTC);

    const busy = HARDHAT_TEST_ACCOUNTS[6]!;
    const old = await service.prepareOpen(busy.address, [{ token: wbtc, amount: 1n * WBTC }]);
    await service.releaseOpening(old.channelId, "test: released, then replaced");
    const replacement = await service.prepareOpen(busy.address, [{ token: wbtc, amount: 2n * WBTC }]);
    await fundAndDeliver(busy, old);
    const row = await t.handle.db.channel.findUniqueOrThrow({ where: { id: old.channelId } });
    expect(row).toMatchObject({ status: "CLOSED", onChainVersion: 0n });
    expect(row.alert).toContain(`while ${busy.address} has channel ${replacement.channelId}: not credited`);
    expect(engine.read((ex) => ex.balance(busy.address, "WBTC").available)).toBe(0n);
    expect((await t.handle.db.channel.findUniqueOrThrow({ where: { id: replacement.channelId } })).status).toBe(
      "OPENING",
    );
  });
});
