/**
 * Exchange top-ups (ChannelService.requestTopUp): a real Hardhat node (port 8740), real database,
 * real signatures, the real engine. A trader's perpetual profit takes their equity above the
 * channel's funding; their co-signature of that state starts a RESIZE that adds the exchange's
 * tokens from its custody account; co-signed, the service submits it; the custody events come
 * from the receipts (as the chain watcher would hand them over).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createWalletClient, http, parseEventLogs, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { custodyAbi, demoTokenAbi } from "../../contracts/generated";
import { HARDHAT_TEST_ACCOUNTS } from "../../core/chain/hardhat-test-accounts";
import { Intent, stateTypedData, toAbiState, type ChannelDomain, type ChannelState } from "../../core/channel";
import { ClearlineError } from "../../core/errors";
import { fromBaseUnits } from "../../core/money/units";
import type { CustodyEvent } from "../ports";
import { createMigratedTestDatabase, type TestDatabase } from "../db/testing";
import { withdrawFees, type FeeWithdrawalChain } from "../services/admin-fees";
import { fundingHashOf } from "./chain";
import { createChannelCustodySink } from "./custody-sink";
import { reservedForOpening } from "./repository";
import { ChannelService, engineAccountOf, TOP_UP_ALERT } from "./service";
import { chainChannelServiceDeps, startTestChain, SyncEngine, type TestChain } from "./testing";

const EXCHANGE = HARDHAT_TEST_ACCOUNTS[1]!;
const ADMIN = HARDHAT_TEST_ACCOUNTS[0]!;
const TREASURY = HARDHAT_TEST_ACCOUNTS[9]!.address;
const MAKER = "maker-without-channel";
const USDC = 1_000_000n;
const LOTS_100 = 100n * 10n ** 15n; // 0.1 ETH
const COVERAGE_BPS = 1_000n; // 10 %

let chain: TestChain;
let t: TestDatabase;
let engine: SyncEngine;
let service: ChannelService;
let domain: ChannelDomain;
let usdc: Address;
let fees: FeeWithdrawalChain;

const viemChain = () => ({
  id: domain.chainId,
  name: "local",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [chain.rpcUrl] } },
});

function trader(index: number) {
  const key = HARDHAT_TEST_ACCOUNTS[index]!;
  const account = privateKeyToAccount(key.privateKey);
  const wallet = createWalletClient({ account, chain: viemChain(), transport: http(chain.rpcUrl) });
  const cosign = (state: ChannelState) => account.signTypedData(stateTypedData(domain, state));
  return { address: key.address, account: engineAccountOf(key.address), wallet, cosign };
}

async function deliver(hash: Hex): Promise<string[]> {
  const receipt = await chain.client.waitForTransactionReceipt({ hash });
  expect(receipt.status).toBe("success");
  const events: CustodyEvent[] = parseEventLogs({ abi: custodyAbi, logs: receipt.logs }).map((log) => ({
    name: log.eventName,
    args: log.args as unknown as Record<string, unknown>,
    txHash: log.transactionHash,
    logIndex: log.logIndex,
    blockNumber: log.blockNumber,
    blockHash: log.blockHash,
  }));
  const sink = createChannelCustodySink(service);
  for (const e of events) await sink.apply(e);
  return events.map((e) => e.name);
}

async function openChannel(who: ReturnType<typeof trader>, amount: bigint) {
  const open = await service.prepareOpen(who.address, [{ token: usdc, amount }]);
  const sig = await who.cosign(open.state);
  await service.submitCoSignature(who.address, open.channelId, 0n, sig);
  for (const a of open.depositAndOpen.approvals) {
    await chain.client.waitForTransactionReceipt({
      hash: await who.wallet.writeContract({
        address: a.token,
        abi: demoTokenAbi,
        functionName: "approve",
        args: [domain.verifyingContract, a.amount],
      }),
    });
  }
  const hash = await who.wallet.writeContract({
    address: domain.verifyingContract,
    abi: custodyAbi,
    functionName: "depositAndOpen",
    args: [who.address, open.nonce, toAbiState(open.state), { trader: sig, exchange: open.exchangeSignature }],
  });
  expect(await deliver(hash)).toContain("ChannelOpened");
  return open;
}

/** The trader goes long 0.1 ETH at `pricePerLot` against the maker, then the index (and with an empty book, the mark) moves to `markPerLot`. */
async function longThenMark(account: string, pricePerLot: bigint, markPerLot: bigint) {
  await engine.submit({
    type: "place",
    account: MAKER,
    market: "ETH-PERP",
    side: "sell",
    kind: "limit",
    sizeBase: LOTS_100,
    pricePerLot,
  });
  await engine.submit({
    type: "place",
    account,
    market: "ETH-PERP",
    side: "buy",
    kind: "market",
    sizeBase: LOTS_100,
    worstPricePerLot: pricePerLot + 100_000n,
  });
  await engine.submit({ type: "markPrice", market: "ETH-PERP", indexPerLot: markPerLot });
  await service.idle();
}

/** The trader's USDC equity as the issuer computes it (positions at the mark). */
const equityOf = (account: string) =>
  engine.read((ex) => ex.risk(account, "USDC").equityQuote + ex.balance(account, "USDC").locked);
const exchangeCustody = () =>
  chain.client.readContract({
    address: domain.verifyingContract,
    abi: custodyAbi,
    functionName: "balanceOf",
    args: [EXCHANGE.address, usdc],
  });
const onChainFundingHash = async (id: Hex) =>
  (
    await chain.client.readContract({
      address: domain.verifyingContract,
      abi: custodyAbi,
      functionName: "channel",
      args: [id],
    })
  ).fundingHash;
const reserved = () => reservedForOpening(t.handle.db, usdc);
const withdrawFromCustody = (amount: bigint) =>
  withdrawFees(
    t.handle.db,
    ADMIN.address,
    { token: usdc, amount: fromBaseUnits(amount, 6), to: TREASURY, reason: "fee sweep" },
    fees,
  );

beforeAll(async () => {
  t = await createMigratedTestDatabase(inject("testDatabaseUrl"));
  chain = await startTestChain(8740);
  engine = new SyncEngine();
  domain = { chainId: chain.deployment.chainId, verifyingContract: chain.deployment.custody };
  usdc = chain.deployment.tokens.USDC.address;
  service = new ChannelService({
    ...chainChannelServiceDeps({ db: t.handle.db, engine, chain, exchangeKey: EXCHANGE.privateKey }),
    coverageBps: COVERAGE_BPS,
    // top-ups here, not the opening caps (coverage-griefing.integration.test.ts): an opening may take the whole small float
    openingPolicy: { ttlSeconds: 3_600, maxShareBps: 10_000n, reserveMaxBps: 10_000n },
    submissionRetry: { pollMs: 100, initialBackoffMs: 200, maxBackoffMs: 1_000 },
  });
  service.start();
  fees = {
    coverageLock: service.coverageLock,
    client: chain.client,
    wallet: createWalletClient({
      account: privateKeyToAccount(EXCHANGE.privateKey),
      chain: viemChain(),
      transport: http(chain.rpcUrl),
    }),
    deployment: chain.deployment,
  };
  await engine.submit({ type: "deposit", account: MAKER, asset: "USDC", amount: 100_000n * USDC });
  await engine.submit({ type: "markPrice", market: "ETH-PERP", indexPerLot: 3_000_000n });
}, 180_000);

afterAll(async () => {
  await service?.stop();
  await t?.drop();
  await chain?.stop();
});

describe("exchange top-ups", () => {
  it("a profit above the funding flags the channel; the trader's co-signature starts a top-up RESIZE; co-signed, it is submitted; the exchange's tokens move into the channel and the flag clears", async () => {
    const A = trader(2);
    const open = await openChannel(A, 1_000n * USDC);
    const funded = 1_100n * USDC; // deposit + 10 % coverage
    expect(open.state.allocations[0]!.exchangeAmount).toBe(100n * USDC);

    await longThenMark(A.account, 3_000_000n, 6_000_000n); // +300 USDC unrealized
    const equity = equityOf(A.account);
    expect(equity).toBeGreaterThan(funded);
    expect((await service.status(A.address)).needsTopUp).toBe(true);
    const flagged = (await service.latestState(A.address)).latest;
    expect(flagged.state.allocations[0]).toMatchObject({ traderAmount: funded, exchangeAmount: 0n }); // capped at the funding

    const custodyBefore = await exchangeCustody();
    await service.submitCoSignature(A.address, open.channelId, flagged.state.version, await A.cosign(flagged.state));
    await service.idle();

    const wanted = (equity * (10_000n + COVERAGE_BPS)) / 10_000n - funded;
    const pending = await service.status(A.address);
    expect(pending).toMatchObject({
      pendingOp: "RESIZE",
      pendingPurpose: "TOP_UP",
      pendingVersion: flagged.state.version + 1n,
      needsTopUp: true,
      alert: null,
    });
    const resize = (await service.latestState(A.address)).latest;
    expect(resize.state.intent).toBe(Intent.RESIZE);
    // the trader's amount does not move (the trader adds nothing, takes nothing); the exchange adds `wanted`
    expect(resize.state.allocations).toEqual([
      { token: usdc.toLowerCase(), traderAmount: funded, exchangeAmount: wanted },
    ]);
    expect(pending.funding).toEqual([{ token: usdc.toLowerCase(), total: funded + wanted }]);
    // promised: an open or a fee withdrawal cannot take it meanwhile
    expect(await reserved()).toBe(wanted);
    const refused = await withdrawFromCustody(custodyBefore - wanted + 1n).then(
      () => null,
      (e: unknown) => e,
    );
    expect((refused as ClearlineError).code).toBe("INSUFFICIENT_BALANCE");
    // one pending resize per channel: a withdrawal waits for the top-up
    const conflict = await service.requestWithdraw(A.address, usdc, USDC).then(
      () => null,
      (e: unknown) => e,
    );
    expect((conflict as ClearlineError).code).toBe("CONFLICT");

    const cosigned = await service.submitCoSignature(
      A.address,
      open.channelId,
      resize.state.version,
      await A.cosign(resize.state),
    );
    expect(cosigned.submission?.state).toBe("submitted");
    expect(cosigned.submittedTx).not.toBeNull();
    expect(await onChainFundingHash(open.channelId)).toBe(
      fundingHashOf([{ token: usdc.toLowerCase() as Address, total: funded + wanted }]),
    );
    expect(await exchangeCustody()).toBe(custodyBefore - wanted);

    expect(await deliver(cosigned.submittedTx!)).toEqual(["ChannelResized"]);
    expect(await service.status(A.address)).toMatchObject({
      needsTopUp: false,
      pendingOp: null,
      pendingVersion: null,
      onChainVersion: resize.state.version,
      funding: [{ token: usdc.toLowerCase(), total: funded + wanted }],
    });
    expect(await reserved()).toBe(0n);

    // the next state gives the trader their whole equity within the larger funding, without a new flag
    await engine.submit({ type: "markPrice", market: "ETH-PERP", indexPerLot: 6_000_000n });
    await service.idle();
    const next = (await service.latestState(A.address)).latest;
    expect(next.state.intent).toBe(Intent.OPERATE);
    expect(next.state.allocations[0]).toMatchObject({
      traderAmount: equityOf(A.account),
      exchangeAmount: funded + wanted - equityOf(A.account),
    });
    expect((await service.status(A.address)).needsTopUp).toBe(false);
  });

  it("no free custody balance: nothing is promised and the channel's alert says why; once some is free, the top-up takes only that", async () => {
    // everything free leaves the exchange's custody account
    await withdrawFromCustody(await exchangeCustody());
    expect(await exchangeCustody()).toBe(0n);
    const B = trader(3);
    const open = await openChannel(B, 1_000n * USDC);
    expect(open.state.allocations[0]!.exchangeAmount).toBe(0n); // no coverage either
    await longThenMark(B.account, 6_000_000n, 9_000_000n);
    expect((await service.status(B.address)).needsTopUp).toBe(true);
    const flagged = (await service.latestState(B.address)).latest;
    const sig = await B.cosign(flagged.state);

    await service.submitCoSignature(B.address, open.channelId, flagged.state.version, sig);
    await service.idle();
    const short = await service.status(B.address);
    expect(short).toMatchObject({
      needsTopUp: true,
      pendingOp: null,
      pendingVersion: null,
      latestVersion: flagged.state.version,
    });
    expect(short.alert).toMatch(new RegExp(`^${TOP_UP_ALERT} .*USDC wanted \\d+, free 0 `));
    expect(await reserved()).toBe(0n);

    // 50 USDC back in custody: the next co-signature tops up by 50, the alert keeps the shortfall
    const exchangeWallet = fees.wallet;
    await chain.client.waitForTransactionReceipt({
      hash: await exchangeWallet.writeContract({
        address: usdc,
        abi: demoTokenAbi,
        functionName: "approve",
        args: [domain.verifyingContract, 50n * USDC],
      }),
    });
    await chain.client.waitForTransactionReceipt({
      hash: await exchangeWallet.writeContract({
        address: domain.verifyingContract,
        abi: custodyAbi,
        functionName: "deposit",
        args: [usdc, 50n * USDC],
      }),
    });
    const outcome = await service.requestTopUp(open.channelId);
    expect(outcome).toMatchObject({
      kind: "issued",
      version: flagged.state.version + 1n,
      topUps: [{ amount: 50n * USDC }],
    });
    const partial = await service.status(B.address);
    expect(partial.pendingOp).toBe("RESIZE");
    expect(partial.alert).toMatch(/free 50000000 /);
    expect(await reserved()).toBe(50n * USDC);
    const resize = (await service.latestState(B.address)).latest;
    expect(resize.state.allocations[0]).toMatchObject({ traderAmount: 1_000n * USDC, exchangeAmount: 50n * USDC });

    const cosigned = await service.submitCoSignature(
      B.address,
      open.channelId,
      resize.state.version,
      await B.cosign(resize.state),
    );
    expect(cosigned.submission?.state).toBe("submitted");
    expect(await exchangeCustody()).toBe(0n);
    await deliver(cosigned.submittedTx!);
    expect(await service.status(B.address)).toMatchObject({
      needsTopUp: false,
      pendingOp: null,
      funding: [{ token: usdc.toLowerCase(), total: 1_050n * USDC }],
    });
  });

  it("a top-up the trader cancels (cancelWithdraw) is replaced by a checkpointed state on the old funding: its RESIZE can never apply, nothing is credited, the flag stays", async () => {
    const exchangeWallet = fees.wallet;
    await chain.client.waitForTransactionReceipt({
      hash: await exchangeWallet.writeContract({
        address: usdc,
        abi: demoTokenAbi,
        functionName: "approve",
        args: [domain.verifyingContract, 500n * USDC],
      }),
    });
    await chain.client.waitForTransactionReceipt({
      hash: await exchangeWallet.writeContract({
        address: domain.verifyingContract,
        abi: custodyAbi,
        functionName: "deposit",
        args: [usdc, 500n * USDC],
      }),
    });
    const C = trader(4);
    const open = await openChannel(C, 1_000n * USDC);
    await longThenMark(C.account, 9_000_000n, 12_000_000n);
    const flagged = (await service.latestState(C.address)).latest;
    const flaggedSig = await C.cosign(flagged.state);
    await service.submitCoSignature(C.address, open.channelId, flagged.state.version, flaggedSig);
    await service.idle();
    const resize = (await service.latestState(C.address)).latest;
    expect(resize.state.intent).toBe(Intent.RESIZE);
    const added = resize.state.allocations[0]!.exchangeAmount - flagged.state.allocations[0]!.exchangeAmount;
    expect(added).toBeGreaterThan(0n);
    const balance = engine.read((ex) => ex.balance(C.account, "USDC").available);
    const custodyBefore = await exchangeCustody();

    const cancel = await service.cancelWithdraw(C.address);
    expect(cancel.toSign).toHaveLength(1);
    const replacement = cancel.toSign[0]!.state;
    expect(replacement.intent).toBe(Intent.OPERATE);
    expect(replacement.allocations[0]).toMatchObject({ traderAmount: 1_100n * USDC, exchangeAmount: 0n }); // the funding before the top-up
    const done = await service.submitCoSignature(
      C.address,
      open.channelId,
      replacement.version,
      await C.cosign(replacement),
    );
    expect(done.submission?.state).toBe("submitted");
    expect(await deliver(done.submittedTx!)).toEqual(["ChannelCheckpointed"]);
    expect(await service.status(C.address)).toMatchObject({
      pendingOp: null,
      needsTopUp: true,
      funding: [{ token: usdc.toLowerCase(), total: 1_100n * USDC }],
    });
    expect(engine.read((ex) => ex.balance(C.account, "USDC").available)).toBe(balance); // a top-up debited nothing: nothing to give back
    // the exchange-signed RESIZE, co-signed by the trader now, is refused: the checkpoint made it too old
    const sigs = (s: { exchangeSignature: Hex }, trader: Hex) => ({ trader, exchange: s.exchangeSignature });
    const replay = C.wallet.writeContract({
      address: domain.verifyingContract,
      abi: custodyAbi,
      functionName: "resize",
      args: [
        toAbiState(flagged.state),
        sigs(flagged, flaggedSig),
        toAbiState(resize.state),
        sigs(resize, await C.cosign(resize.state)),
      ],
    });
    await expect(replay).rejects.toThrow(/ChannelVersionNotNewer/);
    expect(await exchangeCustody()).toBe(custodyBefore);
  });
});
