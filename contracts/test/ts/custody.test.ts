/**
 * The custody contract through viem against Hardhat's in-process chain: the contract, core/channel
 * and viem agree on every state hash and signature, and a full lifecycle signed by core/channel
 * works on-chain. Run with `npx hardhat test nodejs`.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import fc from "fast-check";
import { network } from "hardhat";
import { hashTypedData, verifyTypedData, type Address, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  channelId,
  hashState,
  Intent,
  stateTypedData,
  verifyStateSignature,
  domainSeparator,
  type ChannelState,
} from "../../../core/channel";
import { custodyAbi, demoTokenAbi } from "../../generated";
import { deployFixture, EXCHANGE, TRADER, toAbiState, type Fixture, type Wallet } from "../../testing/fixture";

const arbHex = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => `0x${Buffer.from(b).toString("hex")}` as Hex);
const arbState: fc.Arbitrary<ChannelState> = fc
  .record({
    channelId: arbHex(32),
    version: fc.bigInt({ min: 0n, max: (1n << 48n) - 1n }),
    intent: fc.constantFrom(Intent.INITIALIZE, Intent.OPERATE, Intent.RESIZE, Intent.CLOSE),
    tokens: fc.uniqueArray(arbHex(20), { maxLength: 5, selector: (t) => t.toLowerCase() }),
    amounts: fc.array(
      fc.tuple(fc.bigInt({ min: 0n, max: (1n << 255n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 255n) - 1n })),
      { minLength: 5, maxLength: 5 },
    ),
    appDataHash: arbHex(32),
  })
  .map(({ tokens, amounts, ...rest }) => ({
    ...rest,
    allocations: [...tokens]
      .sort()
      .map((token, i) => ({ token: token as Address, traderAmount: amounts[i]![0], exchangeAmount: amounts[i]![1] })),
  }));

describe("Custody (viem, in-process Hardhat chain)", () => {
  let f: Fixture;
  let publicClient: PublicClient;

  before(async () => {
    const { viem } = await network.create();
    publicClient = (await viem.getPublicClient()) as unknown as PublicClient;
    f = await deployFixture(publicClient, (await viem.getWalletClients()) as unknown as Wallet[]);
  });

  const read = <T>(functionName: string, args: readonly unknown[]) =>
    publicClient.readContract({ address: f.custody, abi: custodyAbi, functionName, args } as never) as Promise<T>;

  it("the contract's domain separator is core's", async () => {
    assert.equal(await read<Hex>("domainSeparator", []), domainSeparator(f.domain));
  });

  it("core hashState = viem hashTypedData = contract hashState, for random states", async () => {
    await fc.assert(
      fc.asyncProperty(arbState, async (state) => {
        const core = hashState(f.domain, state);
        assert.equal(core, hashTypedData(stateTypedData(f.domain, state)));
        assert.equal(core, await read<Hex>("hashState", [toAbiState(state)]));
      }),
      { numRuns: 100 },
    );
  });

  it("a viem account's signature verifies in core, viem and the contract", async () => {
    const account = privateKeyToAccount(TRADER.privateKey);
    await fc.assert(
      fc.asyncProperty(arbState, async (state) => {
        const signature = await account.signTypedData(stateTypedData(f.domain, state));
        assert.equal(verifyStateSignature(f.domain, state, signature, account.address), true);
        assert.equal(
          await verifyTypedData({ ...stateTypedData(f.domain, state), address: account.address, signature }),
          true,
        );
        assert.equal(
          await read<boolean>("isValidStateSignature", [account.address, toAbiState(state), signature]),
          true,
        );
        assert.equal(
          await read<boolean>("isValidStateSignature", [EXCHANGE.address, toAbiState(state), signature]),
          false,
        );
      }),
      { numRuns: 40 },
    );
  });

  it("core's channel id is the contract's", async () => {
    const ours = channelId({
      chainId: f.domain.chainId,
      custody: f.custody,
      trader: TRADER.address,
      exchange: EXCHANGE.address,
      nonce: 77n,
    });
    assert.equal(ours, await read<Hex>("channelIdOf", [TRADER.address, 77n]));
  });

  it("runs a lifecycle signed by core/channel: deposit-and-open, checkpoint, resize, cooperative close", async () => {
    const id = channelId({
      chainId: f.domain.chainId,
      custody: f.custody,
      trader: TRADER.address,
      exchange: EXCHANGE.address,
      nonce: 1n,
    });
    const app = `0x${"00".repeat(32)}` as Hex;
    const s = (version: bigint, intent: ChannelState["intent"], trader: bigint, exchange: bigint): ChannelState => ({
      channelId: id,
      version,
      intent,
      allocations: [{ token: f.usdc, traderAmount: trader, exchangeAmount: exchange }],
      appDataHash: app,
    });
    await f.send(
      f.wallets.exchange.writeContract({
        address: f.custody,
        abi: custodyAbi,
        functionName: "deposit",
        args: [f.usdc, 1_000_000n],
      }),
    );
    const v0 = s(0n, Intent.INITIALIZE, 5_000n, 1_000n);
    await f.send(
      f.wallets.trader.writeContract({
        address: f.custody,
        abi: custodyAbi,
        functionName: "depositAndOpen",
        args: [TRADER.address, 1n, toAbiState(v0), f.cosign(v0)],
      }),
    );
    const v7 = s(7n, Intent.OPERATE, 5_600n, 400n);
    await f.send(
      f.wallets.other.writeContract({
        address: f.custody,
        abi: custodyAbi,
        functionName: "checkpoint",
        args: [toAbiState(v7), f.cosign(v7)],
      }),
    );
    const v8 = s(8n, Intent.RESIZE, 2_600n, 400n);
    const before = (await publicClient.readContract({
      address: f.usdc,
      abi: demoTokenAbi,
      functionName: "balanceOf",
      args: [TRADER.address],
    })) as bigint;
    await f.send(
      f.wallets.trader.writeContract({
        address: f.custody,
        abi: custodyAbi,
        functionName: "resize",
        args: [toAbiState(v7), f.cosign(v7), toAbiState(v8), f.cosign(v8)],
      }),
    );
    const v9 = s(9n, Intent.CLOSE, 2_000n, 1_000n);
    await f.send(
      f.wallets.trader.writeContract({
        address: f.custody,
        abi: custodyAbi,
        functionName: "close",
        args: [toAbiState(v9), f.cosign(v9)],
      }),
    );
    const after = (await publicClient.readContract({
      address: f.usdc,
      abi: demoTokenAbi,
      functionName: "balanceOf",
      args: [TRADER.address],
    })) as bigint;
    assert.equal(after - before, 3_000n + 2_000n, "partial withdrawal + final payout reached the trader's wallet");
    assert.equal(await read<bigint>("totalLocked", [f.usdc]), 0n);
  });

  it("rejects an old-version checkpoint with an error naming both versions", async () => {
    const id = channelId({
      chainId: f.domain.chainId,
      custody: f.custody,
      trader: TRADER.address,
      exchange: EXCHANGE.address,
      nonce: 2n,
    });
    const s = (version: bigint, intent: ChannelState["intent"]): ChannelState => ({
      channelId: id,
      version,
      intent,
      allocations: [{ token: f.usdc, traderAmount: 10n, exchangeAmount: 0n }],
      appDataHash: `0x${"00".repeat(32)}`,
    });
    const v0 = s(0n, Intent.INITIALIZE);
    await f.send(
      f.wallets.trader.writeContract({
        address: f.custody,
        abi: custodyAbi,
        functionName: "depositAndOpen",
        args: [TRADER.address, 2n, toAbiState(v0), f.cosign(v0)],
      }),
    );
    const v5 = s(5n, Intent.OPERATE);
    await f.send(
      f.wallets.trader.writeContract({
        address: f.custody,
        abi: custodyAbi,
        functionName: "checkpoint",
        args: [toAbiState(v5), f.cosign(v5)],
      }),
    );
    const v3 = s(3n, Intent.OPERATE);
    await assert.rejects(
      publicClient.simulateContract({
        address: f.custody,
        abi: custodyAbi,
        functionName: "checkpoint",
        args: [toAbiState(v3), f.cosign(v3)],
        account: TRADER.address,
      }),
      (error: Error) =>
        /ChannelVersionNotNewer/.test(error.message) && /\b5\b/.test(error.message) && /\b3\b/.test(error.message),
    );
  });
});
