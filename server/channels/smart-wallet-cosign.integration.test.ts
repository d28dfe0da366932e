/**
 * SECURITY.md attack 5 on the server's co-signature path (cosign.ts, ChannelService.submitCoSignature):
 * the trader is a SmartWallet contract (contracts/src/test/SmartWallet.sol, ERC-1271) whose
 * owner is a test key. A real Hardhat node (port 8810), real database, real engine, real
 * signatures. The wallet's channel is opened and co-signed through the server while its ERC-1271
 * says valid; once the owner revokes the wallet's signatures, the same key's co-signature of a
 * new exchange-issued state is refused, and so is the one the server accepted before: the
 * verdict is asked of the chain at each use, never cached.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createWalletClient, getAddress, http, parseEventLogs, type Abi, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { custodyAbi, demoTokenAbi } from "../../contracts/generated";
import { HARDHAT_TEST_ACCOUNTS } from "../../core/chain/hardhat-test-accounts";
import {
  Intent,
  stateTypedData,
  toAbiState,
  verifyStateSignature,
  type ChannelDomain,
  type ChannelState,
} from "../../core/channel";
import { ClearlineError } from "../../core/errors";
import { compileContracts, REPO_ROOT } from "../../scripts/contracts/codegen";
import { createMigratedTestDatabase, type TestDatabase } from "../db/testing";
import type { CustodyEvent } from "../ports";
import { createChannelCustodySink } from "./custody-sink";
import { ChannelService, engineAccountOf } from "./service";
import { chainChannelServiceDeps, startTestChain, SyncEngine, type TestChain } from "./testing";

const EXCHANGE = HARDHAT_TEST_ACCOUNTS[1]!;
/** the SmartWallet's owner: its key signs for the wallet (and pays the wallet's deposit) */
const OWNER = HARDHAT_TEST_ACCOUNTS[2]!;
const MAKER = "maker-without-channel";
const USDC_1000 = 1_000_000_000n;
const LOT_001 = 10n ** 16n; // 0.01 ETH

let chain: TestChain;
let t: TestDatabase;
let engine: SyncEngine;
let service: ChannelService;
let domain: ChannelDomain;
let usdc: Address;
let smartWallet: Address;
let smartWalletAbi: Abi;
let channelId: Hex;
const owner = privateKeyToAccount(OWNER.privateKey);

const ownerWallet = () =>
  createWalletClient({
    account: owner,
    chain: {
      id: domain.chainId,
      name: "local",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [chain.rpcUrl] } },
    },
    transport: http(chain.rpcUrl),
  });

/** The owner's key signs the state (EIP-712): what the SmartWallet's ERC-1271 accepts for the wallet while not revoked. */
const ownerSigns = (state: ChannelState): Promise<Hex> => owner.signTypedData(stateTypedData(domain, state));

async function mined(hash: Hex) {
  const receipt = await chain.client.waitForTransactionReceipt({ hash });
  expect(receipt.status).toBe("success");
  return receipt;
}

async function deliver(hash: Hex): Promise<string[]> {
  const receipt = await mined(hash);
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

async function setRevoked(revoked: boolean) {
  await mined(
    await ownerWallet().writeContract({
      address: smartWallet,
      abi: smartWalletAbi,
      functionName: "setRevoked",
      args: [revoked],
    }),
  );
}

/** The custody contract's own ERC-1271 verdict on the wallet's signature now. */
const custodyAccepts = (state: ChannelState, signature: Hex) =>
  chain.client.readContract({
    address: domain.verifyingContract,
    abi: custodyAbi,
    functionName: "isValidStateSignature",
    args: [smartWallet, toAbiState(state), signature],
  });

/** The wallet buys 0.01 ETH-PERP from the maker; the issuer gives it the next state. */
async function fillAndIssue(): Promise<ChannelState> {
  const before = (await service.status(smartWallet)).latestVersion;
  await engine.submit({
    type: "place",
    account: MAKER,
    market: "ETH-PERP",
    side: "sell",
    kind: "limit",
    sizeBase: LOT_001,
    pricePerLot: 3_000_000n,
  });
  await engine.submit({
    type: "place",
    account: engineAccountOf(smartWallet),
    market: "ETH-PERP",
    side: "buy",
    kind: "market",
    sizeBase: LOT_001,
    worstPricePerLot: 3_100_000n,
  });
  await service.idle();
  const { latest } = await service.latestState(smartWallet);
  expect(latest.state.version).toBe(before + 1n);
  expect(latest.state.intent).toBe(Intent.OPERATE);
  return latest.state;
}

async function refusal(promise: Promise<unknown>): Promise<ClearlineError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClearlineError);
  return error as ClearlineError;
}

const storedTraderSignature = async (version: bigint) =>
  (
    await t.handle.db.channelState.findUniqueOrThrow({
      where: { channelId_version: { channelId: channelId.toLowerCase(), version } },
    })
  ).traderSignature;

beforeAll(async () => {
  t = await createMigratedTestDatabase(inject("testDatabaseUrl"));
  chain = await startTestChain(8810);
  engine = new SyncEngine();
  domain = { chainId: chain.deployment.chainId, verifyingContract: chain.deployment.custody };
  usdc = chain.deployment.tokens.USDC.address;
  service = new ChannelService({
    ...chainChannelServiceDeps({ db: t.handle.db, engine, chain, exchangeKey: EXCHANGE.privateKey }),
    clock: () => 1_800_000_000_000,
  });
  service.start();
  await engine.submit({ type: "deposit", account: MAKER, asset: "USDC", amount: 100_000_000_000n });
  await engine.submit({ type: "markPrice", market: "ETH-PERP", indexPerLot: 3_000_000n });

  const artifactPath = path.join(REPO_ROOT, "artifacts/contracts/src/test/SmartWallet.sol/SmartWallet.json");
  if (!existsSync(artifactPath)) compileContracts();
  const artifact = JSON.parse(readFileSync(artifactPath, "utf8")) as { abi: Abi; bytecode: Hex };
  smartWalletAbi = artifact.abi;
  const receipt = await mined(
    await ownerWallet().deployContract({ abi: artifact.abi, bytecode: artifact.bytecode, args: [owner.address] }),
  );
  smartWallet = getAddress(receipt.contractAddress!);
}, 180_000);

afterAll(async () => {
  await service?.stop();
  await t?.drop();
  await chain?.stop();
});

describe("a smart-wallet (ERC-1271) trader co-signing through the server", () => {
  it("SECURITY.md attack 5: a smart-wallet trader's channel opens and its co-signature of an exchange-issued state is accepted while the wallet's ERC-1271 says valid", async () => {
    const open = await service.prepareOpen(smartWallet, [{ token: usdc, amount: USDC_1000 }]);
    channelId = open.channelId;
    const openSig = await ownerSigns(open.state);
    // the owner's key, not the wallet's: no EOA recovery gives the wallet's address, only ERC-1271 can accept it
    expect(verifyStateSignature(domain, open.state, openSig, smartWallet)).toBe(false);
    expect((await service.submitCoSignature(smartWallet, channelId, 0n, openSig)).coSignedVersion).toBe(0n);

    // the owner pays the wallet's deposit; depositAndOpen credits the wallet and checks its ERC-1271 signature on-chain
    const wallet = ownerWallet();
    for (const a of open.depositAndOpen.approvals) {
      await mined(
        await wallet.writeContract({
          address: a.token,
          abi: demoTokenAbi,
          functionName: "approve",
          args: [domain.verifyingContract, a.amount],
        }),
      );
    }
    const hash = await wallet.writeContract({
      address: domain.verifyingContract,
      abi: custodyAbi,
      functionName: "depositAndOpen",
      args: [smartWallet, open.nonce, toAbiState(open.state), { trader: openSig, exchange: open.exchangeSignature }],
    });
    expect(await deliver(hash)).toContain("ChannelOpened");
    expect((await service.status(smartWallet)).status).toBe("ACTIVE");

    const v1 = await fillAndIssue();
    const sig1 = await ownerSigns(v1);
    expect(await custodyAccepts(v1, sig1)).toBe(true);
    const accepted = await service.submitCoSignature(smartWallet, channelId, v1.version, sig1);
    expect(accepted.coSignedVersion).toBe(v1.version);
    expect(await storedTraderSignature(v1.version)).toBe(sig1);
    expect((await service.status(smartWallet)).coSignedVersion).toBe(v1.version);
  });

  it("SECURITY.md attack 5: once the wallet revokes its owner's signatures, the old key's co-signature of a new state is refused (CHANNEL_SIGNATURE_INVALID), and so is the one accepted before; restored, accepted again — checked at each use, not cached", async () => {
    const { latest: accepted } = await service.latestState(smartWallet);
    const acceptedVersion = accepted.state.version;
    const acceptedSig = (await storedTraderSignature(acceptedVersion)) as Hex;
    expect(acceptedSig).not.toBeNull();

    await setRevoked(true);
    const v2 = await fillAndIssue();
    const sig2 = await ownerSigns(v2);
    expect(await custodyAccepts(v2, sig2)).toBe(false); // the chain's verdict now

    const refused = await refusal(service.submitCoSignature(smartWallet, channelId, v2.version, sig2));
    expect(refused.code).toBe("CHANNEL_SIGNATURE_INVALID");
    expect(refused.message).toMatch(new RegExp(`not ${smartWallet}'s signature of channel .* v${v2.version}`));
    expect(await storedTraderSignature(v2.version)).toBeNull();
    expect((await service.status(smartWallet)).coSignedVersion).toBe(acceptedVersion);

    // the signature the server accepted a moment ago is asked about again, not trusted from before
    const again = await refusal(service.submitCoSignature(smartWallet, channelId, acceptedVersion, acceptedSig));
    expect(again.code).toBe("CHANNEL_SIGNATURE_INVALID");

    // nor is the refusal cached: the wallet restores its owner's signatures, the same co-signature is accepted
    await setRevoked(false);
    const restored = await service.submitCoSignature(smartWallet, channelId, v2.version, sig2);
    expect(restored.coSignedVersion).toBe(v2.version);
    expect(await storedTraderSignature(v2.version)).toBe(sig2);
  });
});
