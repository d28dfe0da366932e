/**
 * Channels end to end: real PGlite (or PostgreSQL), the real engine behind the EnginePort, real
 * signatures, and a real Hardhat node (port 8631) for opening, resizing and closing on-chain.
 * The chain watcher is another part: here the custody events come from the transactions'
 * receipts, decoded with the custody ABI, and are handed to the channels' sink.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  createWalletClient,
  erc20Abi,
  http,
  parseEventLogs,
  type Address,
  type Hex,
  type TransactionReceipt,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { custodyAbi, demoTokenAbi } from "../../contracts/generated";
import { HARDHAT_TEST_ACCOUNTS } from "../../core/chain/hardhat-test-accounts";
import {
  hashTraderAppData,
  Intent,
  signState,
  stateTypedData,
  toAbiState,
  verifyStateSignature,
  type ChannelDomain,
} from "../../core/channel";
import { ClearlineError } from "../../core/errors";
import type { CustodyEvent } from "../ports";
import { createMigratedTestDatabase, type TestDatabase } from "../db/testing";
import { createChannelCustodySink } from "./custody-sink";
import { commitRound, StaleRoundError } from "./repository";
import { ChannelService, engineAccountOf, type OpenInstructions } from "./service";
import { chainChannelServiceDeps, startTestChain, SyncEngine, type TestChain } from "./testing";

const EXCHANGE = HARDHAT_TEST_ACCOUNTS[1]!;
const TRADER = HARDHAT_TEST_ACCOUNTS[2]!;
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const MAKER = "maker-without-channel";
const USDC_1000 = 1_000_000_000n;

let chain: TestChain;
let t: TestDatabase;
let engine: SyncEngine;
let service: ChannelService;
let domain: ChannelDomain;
let usdc: Address;
const traderAccount = privateKeyToAccount(TRADER.privateKey);

async function expectCode(promise: Promise<unknown>, code: string): Promise<ClearlineError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClearlineError);
  expect((error as ClearlineError).code).toBe(code);
  return error as ClearlineError;
}

function custodyEvents(receipt: TransactionReceipt): CustodyEvent[] {
  return parseEventLogs({ abi: custodyAbi, logs: receipt.logs }).map((log) => ({
    name: log.eventName,
    args: log.args as unknown as Record<string, unknown>,
    txHash: log.transactionHash,
    logIndex: log.logIndex,
    blockNumber: log.blockNumber,
    blockHash: log.blockHash,
  }));
}

async function deliver(hash: Hex): Promise<CustodyEvent[]> {
  const receipt = await chain.client.waitForTransactionReceipt({ hash });
  const events = custodyEvents(receipt);
  const sink = createChannelCustodySink(service);
  for (const e of events) await sink.apply(e);
  return events;
}

function coSign(state: Parameters<typeof stateTypedData>[1]): Promise<Hex> {
  return traderAccount.signTypedData(stateTypedData(domain, state));
}

async function tokenBalance(token: Address, owner: Address): Promise<bigint> {
  return chain.client.readContract({ address: token, abi: erc20Abi, functionName: "balanceOf", args: [owner] });
}

beforeAll(async () => {
  chain = await startTestChain(8631);
  t = await createMigratedTestDatabase(inject("testDatabaseUrl"));
  engine = new SyncEngine();
  domain = { chainId: chain.deployment.chainId, verifyingContract: chain.deployment.custody };
  usdc = chain.deployment.tokens.USDC.address;
  service = new ChannelService({
    ...chainChannelServiceDeps({ db: t.handle.db, engine, chain, exchangeKey: EXCHANGE.privateKey }),
    clock: () => 1_800_000_000_000,
  });
  service.start();
  // a counterparty without a channel, and a mark price for the perpetual
  await engine.submit({ type: "deposit", account: MAKER, asset: "USDC", amount: 100_000_000_000n });
  await engine.submit({ type: "markPrice", market: "ETH-PERP", indexPerLot: 3_000_000n });
}, 180_000);

afterAll(async () => {
  await service?.stop();
  await t?.drop();
  await chain?.stop();
});

describe("channels", () => {
  let open: OpenInstructions;

  it("prepareOpen signs an INITIALIZE state with the exchange's coverage; depositAndOpen + ChannelOpened credits the engine exactly once", async () => {
    open = await service.prepareOpen(TRADER.address, [{ token: usdc, amount: USDC_1000 }]);
    expect(open.state.version).toBe(0n);
    expect(open.state.intent).toBe(Intent.INITIALIZE);
    expect(open.state.allocations).toEqual([
      { token: usdc.toLowerCase(), traderAmount: USDC_1000, exchangeAmount: 2n * USDC_1000 },
    ]);
    expect(verifyStateSignature(domain, open.state, open.exchangeSignature, EXCHANGE.address)).toBe(true);
    await expectCode(service.prepareOpen(TRADER.address, [{ token: usdc, amount: 1n }]), "CONFLICT");

    const traderSig = await coSign(open.state);
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
    for (const a of open.depositAndOpen.approvals) {
      await chain.client.waitForTransactionReceipt({
        hash: await wallet.writeContract({
          address: a.token,
          abi: demoTokenAbi,
          functionName: "approve",
          args: [domain.verifyingContract, a.amount],
        }),
      });
    }
    const hash = await wallet.writeContract({
      address: domain.verifyingContract,
      abi: custodyAbi,
      functionName: "depositAndOpen",
      args: [
        TRADER.address,
        open.nonce,
        toAbiState(open.state),
        { trader: traderSig, exchange: open.exchangeSignature },
      ],
    });
    const events = await deliver(hash);
    expect(events.map((e) => e.name)).toContain("ChannelOpened");
    expect((await service.status(TRADER.address)).status).toBe("ACTIVE");
    const account = engineAccountOf(TRADER.address);
    expect(engine.read((ex) => ex.balance(account, "USDC").available)).toBe(USDC_1000);
    // the same logs delivered again (watcher restart, replay): no second credit
    const sink = createChannelCustodySink(service);
    for (const e of events) await sink.apply(e);
    expect(engine.read((ex) => ex.balance(account, "USDC").available)).toBe(USDC_1000);
  });

  it("issuance after a fill gives version N+1 with conserved allocations and a valid exchange signature", async () => {
    const account = engineAccountOf(TRADER.address);
    await engine.submit({
      type: "place",
      account: MAKER,
      market: "ETH-PERP",
      side: "sell",
      kind: "limit",
      sizeBase: 10n ** 16n,
      pricePerLot: 3_000_000n,
    });
    const before = (await service.status(TRADER.address)).latestVersion;
    await engine.submit({
      type: "place",
      account,
      market: "ETH-PERP",
      side: "buy",
      kind: "market",
      sizeBase: 10n ** 16n,
      worstPricePerLot: 3_100_000n,
    });
    await service.idle();
    const { latest } = await service.latestState(TRADER.address);
    expect(latest.state.version).toBe(before + 1n);
    expect(latest.state.intent).toBe(Intent.OPERATE);
    const [allocation] = latest.state.allocations;
    expect(allocation!.traderAmount + allocation!.exchangeAmount).toBe(3n * USDC_1000); // the funding
    const equity = engine.read((ex) => ex.risk(account, "USDC").equityQuote);
    expect(allocation!.traderAmount).toBe(equity);
    expect(verifyStateSignature(domain, latest.state, latest.exchangeSignature, EXCHANGE.address)).toBe(true);
    expect(latest.state.appDataHash).toBe(hashTraderAppData(latest.appData));
    expect(latest.appData.positions).toHaveLength(1);
    expect(latest.appData.positions[0]!.sizeE8).toBe(1_000_000n); // 0.01 ETH
    expect(latest.appData.fees).toEqual([{ token: usdc.toLowerCase(), paid: 15_000n }]); // 5 bps of 30 USDC
    expect(latest.appData.journalSeq).toBeGreaterThan(0n);
  });

  it("a round built on a version that moved meanwhile is refused whole: StaleRoundError, nothing written", async () => {
    const { latest } = await service.latestState(TRADER.address);
    const next = { ...latest, state: { ...latest.state, version: latest.state.version + 1n } };
    const stored = {
      state: next.state,
      appData: next.appData,
      stateHash: next.stateHash,
      exchangeSignature: next.exchangeSignature,
      traderSignature: null,
    };
    const rows = () => t.handle.db.channelState.count({ where: { channelId: latest.state.channelId.toLowerCase() } });
    const before = await rows();
    await expect(
      commitRound(t.handle.db, [{ stored, previousVersion: latest.state.version - 1n, needsTopUp: false }]),
    ).rejects.toBeInstanceOf(StaleRoundError);
    expect(await rows()).toBe(before);
    expect((await service.status(TRADER.address)).latestVersion).toBe(latest.state.version);
  });

  it("batches committed while states are being built merge into one round: each batch's fees counted once, the newest state is the engine's view", async () => {
    const account = engineAccountOf(TRADER.address);
    const before = (await service.latestState(TRADER.address)).latest;
    const paidBefore = before.appData.fees.find((f) => f.token === usdc.toLowerCase())?.paid ?? 0n;
    // three fills in three batches, no idle() in between: later batches arrive while the first round is built
    for (let i = 0; i < 3; i++) {
      await engine.submit({
        type: "place",
        account: MAKER,
        market: "ETH-PERP",
        side: "sell",
        kind: "limit",
        sizeBase: 10n ** 16n,
        pricePerLot: 3_000_000n,
      });
      await engine.submit({
        type: "place",
        account,
        market: "ETH-PERP",
        side: "buy",
        kind: "market",
        sizeBase: 10n ** 16n,
        worstPricePerLot: 3_100_000n,
      });
    }
    await service.idle();
    const { latest } = await service.latestState(TRADER.address);
    const issued = latest.state.version - before.state.version;
    // the later batches arrive while the first round waits on the database: fewer states than batches
    expect(issued >= 1n && issued < 3n).toBe(true);
    expect(latest.appData.fees).toEqual([{ token: usdc.toLowerCase(), paid: paidBefore + 3n * 15_000n }]);
    expect(latest.state.allocations[0]!.traderAmount).toBe(engine.read((ex) => ex.risk(account, "USDC").equityQuote));
    expect(latest.appData.positions[0]!.sizeE8).toBe(4_000_000n); // 0.04 ETH
    expect(latest.appData.journalSeq).toBeGreaterThanOrEqual(before.appData.journalSeq + 6n); // the last merged batch's seq
    expect(verifyStateSignature(domain, latest.state, latest.exchangeSignature, EXCHANGE.address)).toBe(true);
    // back to the 0.01 ETH position the later tests expect
    await engine.submit({
      type: "place",
      account: MAKER,
      market: "ETH-PERP",
      side: "buy",
      kind: "limit",
      sizeBase: 3n * 10n ** 16n,
      pricePerLot: 3_000_000n,
    });
    await engine.submit({
      type: "place",
      account,
      market: "ETH-PERP",
      side: "sell",
      kind: "market",
      sizeBase: 3n * 10n ** 16n,
      worstPricePerLot: 2_900_000n,
    });
    await service.idle();
    expect(engine.read((ex) => ex.position(account, "ETH-PERP").sizeBase)).toBe(10n ** 16n);
  });

  it("co-signing N supersedes earlier versions; a late co-signature of an older one does not go back", async () => {
    const { latest } = await service.latestState(TRADER.address);
    const older = (await service.statesAfter(TRADER.address, open.channelId, -1n)).at(-2)!;
    const result = await service.submitCoSignature(
      TRADER.address,
      open.channelId,
      latest.state.version,
      await coSign(latest.state),
    );
    expect(result.coSignedVersion).toBe(latest.state.version);
    await service.submitCoSignature(TRADER.address, open.channelId, older.state.version, await coSign(older.state));
    const status = await service.status(TRADER.address);
    expect(status.coSignedVersion).toBe(latest.state.version);
    const { coSigned } = await service.latestState(TRADER.address);
    expect(coSigned!.state.version).toBe(latest.state.version);
    expect((await service.history(TRADER.address)).map((s) => s.state.version)).toContain(latest.state.version);
  });

  it("a co-signature for another chain, contract or channel is rejected (attack 1 on the server)", async () => {
    const { latest } = await service.latestState(TRADER.address);
    const s = latest.state;
    const forged = [
      signState({ ...domain, chainId: 1 }, s, TRADER.privateKey),
      signState({ ...domain, verifyingContract: "0x000000000000000000000000000000000000dEaD" }, s, TRADER.privateKey),
      signState(domain, { ...s, channelId: `0x${"11".repeat(32)}` }, TRADER.privateKey),
      signState(domain, s, HARDHAT_TEST_ACCOUNTS[3]!.privateKey),
    ];
    for (const signature of forged)
      await expectCode(
        service.submitCoSignature(TRADER.address, open.channelId, s.version, signature),
        "CHANNEL_SIGNATURE_INVALID",
      );
  });

  it("high-s, 64-byte and padded signatures are rejected (attack 2 on the server)", async () => {
    const { latest } = await service.latestState(TRADER.address);
    const good = await coSign(latest.state);
    const s = BigInt("0x" + good.slice(66, 130));
    const v = Number.parseInt(good.slice(130), 16);
    const highS =
      `${good.slice(0, 66)}${(N - s).toString(16).padStart(64, "0")}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
    for (const bad of [highS, good.slice(0, 130) as Hex, `${good}00` as Hex]) {
      await expectCode(
        service.submitCoSignature(TRADER.address, open.channelId, latest.state.version, bad),
        "CHANNEL_SIGNATURE_INVALID",
      );
    }
  });

  it("two concurrent partial withdrawals: at most one proceeds (attack 7, server side); funds stay locked until the chain confirms", async () => {
    const account = engineAccountOf(TRADER.address);
    const availableBefore = engine.read((ex) => ex.balance(account, "USDC").available);
    const amount = 100_000_000n;
    const results = await Promise.allSettled([
      service.requestWithdraw(TRADER.address, usdc, amount),
      service.requestWithdraw(TRADER.address, usdc, amount),
    ]);
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect((refused[0]!.reason as ClearlineError).code).toBe("CONFLICT");
    expect(engine.read((ex) => ex.balance(account, "USDC").available)).toBe(availableBefore - amount); // debited once

    const pending = (ok[0] as PromiseFulfilledResult<Awaited<ReturnType<ChannelService["requestWithdraw"]>>>).value;
    const resize = pending.toSign.at(-1)!;
    expect(resize.state.intent).toBe(Intent.RESIZE);
    expect(resize.state.allocations[0]!.traderAmount + resize.state.allocations[0]!.exchangeAmount).toBe(
      3n * USDC_1000 - amount,
    );
    let status = await service.status(TRADER.address);
    expect(status.pendingOp).toBe("RESIZE");
    expect(status.pendingVersion).toBe(resize.state.version);
    // a third request while the first waits for the chain is refused too
    await expectCode(service.requestWithdraw(TRADER.address, usdc, 1n), "CONFLICT");

    // the trader co-signs the predecessor (if needed) and the RESIZE; the service submits the resize itself
    const walletBefore = await tokenBalance(usdc, TRADER.address);
    let submitted: Hex | null = null;
    for (const s of pending.toSign)
      submitted = (
        await service.submitCoSignature(TRADER.address, open.channelId, s.state.version, await coSign(s.state))
      ).submittedTx;
    expect(submitted).not.toBeNull();
    status = await service.status(TRADER.address);
    expect(status.pendingOp).toBe("RESIZE"); // mined, but not yet reported by the watcher: still locked
    expect(await tokenBalance(usdc, TRADER.address)).toBe(walletBefore + amount);
    const events = await deliver(submitted!);
    expect(events.map((e) => e.name)).toContain("ChannelResized");
    status = await service.status(TRADER.address);
    expect(status.pendingOp).toBeNull();
    expect(status.onChainVersion).toBe(resize.state.version);
    expect(status.funding[0]!.total).toBe(3n * USDC_1000 - amount);
    expect(engine.read((ex) => ex.balance(account, "USDC").available)).toBe(availableBefore - amount);
  });

  it("states after a resize conserve the new funding; close needs positions closed; the cooperative close pays the trader", async () => {
    const account = engineAccountOf(TRADER.address);
    await expectCode(service.requestClose(TRADER.address), "PRECONDITION_FAILED");
    await engine.submit({
      type: "place",
      account: MAKER,
      market: "ETH-PERP",
      side: "buy",
      kind: "limit",
      sizeBase: 10n ** 16n,
      pricePerLot: 3_000_000n,
    });
    await engine.submit({
      type: "place",
      account,
      market: "ETH-PERP",
      side: "sell",
      kind: "market",
      sizeBase: 10n ** 16n,
      worstPricePerLot: 2_900_000n,
      reduceOnly: true,
    });
    await service.idle();
    const { latest } = await service.latestState(TRADER.address);
    expect(latest.state.intent).toBe(Intent.OPERATE);
    expect(latest.state.allocations[0]!.traderAmount + latest.state.allocations[0]!.exchangeAmount).toBe(
      3n * USDC_1000 - 100_000_000n,
    );

    const balance = engine.read((ex) => ex.balance(account, "USDC").available);
    const pending = await service.requestClose(TRADER.address);
    const close = pending.toSign.at(-1)!;
    expect(close.state.intent).toBe(Intent.CLOSE);
    expect(close.state.allocations[0]!.traderAmount).toBe(balance);
    expect(engine.read((ex) => ex.balance(account, "USDC").available)).toBe(0n);
    expect((await service.status(TRADER.address)).status).toBe("CLOSING");

    const walletBefore = await tokenBalance(usdc, TRADER.address);
    const { submittedTx } = await service.submitCoSignature(
      TRADER.address,
      open.channelId,
      close.state.version,
      await coSign(close.state),
    );
    expect(submittedTx).not.toBeNull();
    expect(await tokenBalance(usdc, TRADER.address)).toBe(walletBefore + balance);
    await deliver(submittedTx!);
    const status = await service.status(TRADER.address);
    expect(status.status).toBe("CLOSED");
    expect(status.pendingOp).toBeNull();
  });
});
