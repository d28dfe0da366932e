/**
 * The broker network through viem against Hardhat's in-process chain: the contract's digests
 * are viem's hashTypedData for locks, B2B states and settlements under the broker network's
 * domain, and a channel signed with viem accounts runs open → margin call → settle → stale
 * challenge answered → conclude. Run with `npx hardhat test nodejs`.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { network } from "hardhat";
import { hashTypedData, keccak256, toHex, type Address, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hashStateStruct, Intent, STATE_TYPES, toAbiState, type ChannelState } from "../../../core/channel";
import { brokerNetworkAbi, custodyAbi } from "../../generated";
import {
  BROKER_A,
  BROKER_B,
  BROKER_DOMAIN_NAME,
  CLEARING,
  BROKER_DOMAIN_VERSION,
  COLLATERAL_LOCK_TYPES,
  deployBrokerFixture,
  registerAndStake,
  type BrokerFixture,
  type CollateralLock,
  type SettlementLeg,
  type Wallet,
} from "../../testing/brokers";

describe("BrokerNetwork (viem, in-process Hardhat chain)", () => {
  let f: BrokerFixture;
  let publicClient: PublicClient;
  let increaseTime: (seconds: number) => Promise<void>;

  before(async () => {
    const connection = await network.create();
    publicClient = (await connection.viem.getPublicClient()) as unknown as PublicClient;
    f = await deployBrokerFixture(publicClient, (await connection.viem.getWalletClients()) as unknown as Wallet[]);
    await registerAndStake(f);
    increaseTime = async (seconds) => {
      await connection.provider.request({ method: "evm_increaseTime", params: [seconds] });
      await connection.provider.request({ method: "evm_mine", params: [] });
    };
  });

  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    publicClient.readContract({ address: f.network, abi: brokerNetworkAbi, functionName, args } as never) as Promise<T>;
  const write = (wallet: Wallet, functionName: string, args: readonly unknown[]) =>
    f.send(wallet.writeContract({ address: f.network, abi: brokerNetworkAbi, functionName, args } as never));
  const custodyBalance = (account: Address, token: Address) =>
    publicClient.readContract({
      address: f.custody,
      abi: custodyAbi,
      functionName: "balanceOf",
      args: [account, token],
    }) as Promise<bigint>;
  const domain = () =>
    ({
      name: BROKER_DOMAIN_NAME,
      version: BROKER_DOMAIN_VERSION,
      chainId: f.chainId,
      verifyingContract: f.network,
    }) as const;
  const now = async () => (await publicClient.getBlock()).timestamp;
  const lockFor = async (
    tag: string,
    broker: Address,
    counterparty: Address,
    amount: bigint,
  ): Promise<CollateralLock> => ({
    lockId: keccak256(toHex(tag)),
    broker,
    counterparty,
    token: f.usdc,
    amount,
    expiresAt: (await now()) + 3600n,
  });
  const signed = async (lock: CollateralLock) => ({ lock, signature: await f.signLock(lock) });
  const stateHashOf = (state: ChannelState) =>
    hashTypedData({ domain: domain(), types: STATE_TYPES, primaryType: "State", message: toAbiState(state) });

  it("the contract's lock and state digests are viem's hashTypedData under the broker domain", async () => {
    const lock = await lockFor("digest", BROKER_A.address, BROKER_B.address, 5n);
    assert.equal(
      await read<Hex>("hashCollateralLock", [lock]),
      hashTypedData({ domain: domain(), types: COLLATERAL_LOCK_TYPES, primaryType: "CollateralLock", message: lock }),
    );
    const state: ChannelState = {
      channelId: keccak256(toHex("x")),
      version: 3n,
      intent: Intent.OPERATE,
      allocations: [{ token: f.usdc, traderAmount: 1n, exchangeAmount: 2n }],
      appDataHash: keccak256(toHex("app")),
    };
    assert.equal(await read<Hex>("hashState", [toAbiState(state)]), stateHashOf(state));
  });

  it("runs open → margin call → settle → stale challenge answered → conclude", async () => {
    const id = await read<Hex>("channelIdOf", [BROKER_A.address, BROKER_B.address, 1n]);
    const app = keccak256(toHex("b2b app data"));
    const s = (version: bigint, intent: ChannelState["intent"], amountA: bigint, amountB: bigint): ChannelState => ({
      channelId: id,
      version,
      intent,
      allocations: [{ token: f.usdc, traderAmount: amountA, exchangeAmount: amountB }],
      appDataHash: app,
    });
    const v0 = s(0n, Intent.INITIALIZE, 10_000n, 10_000n);
    await write(f.wallets.anyone, "openChannel", [
      BROKER_A.address,
      BROKER_B.address,
      1n,
      await signed(await lockFor("a1", BROKER_A.address, BROKER_B.address, 10_000n)),
      await signed(await lockFor("b1", BROKER_B.address, BROKER_A.address, 10_000n)),
      toAbiState(v0),
      await f.cosign(v0),
    ]);
    const marginCall = s(1n, Intent.OPERATE, 7_000n, 13_000n);
    await write(f.wallets.b, "checkpoint", [toAbiState(marginCall), await f.cosign(marginCall)]);

    const post = s(2n, Intent.OPERATE, 7_000n, 13_000n);
    const legs: SettlementLeg[] = [
      { token: f.usdc, from: BROKER_A.address, to: BROKER_B.address, amount: 20_000n },
      { token: f.weth, from: BROKER_B.address, to: BROKER_A.address, amount: 10n ** 18n },
    ];
    const bUsdc = await custodyBalance(BROKER_B.address, f.usdc);
    await write(f.wallets.a, "settle", [
      toAbiState(post),
      await f.cosign(post),
      legs,
      await f.cosignSettlement(post, hashStateStruct(post), legs),
    ]);
    assert.equal(await custodyBalance(BROKER_B.address, f.usdc), bUsdc + 20_000n, "USDC leg delivered");

    // off-chain the brokers moved on to v3 (b is owed more); a challenges with the registered
    // v2, which is stale, and b's watchtower answers with v3 inside the window
    const newer = s(3n, Intent.OPERATE, 4_000n, 16_000n);
    await write(f.wallets.a, "challenge", [
      toAbiState(post),
      await f.cosign(post),
      BROKER_A.address,
      await f.challengerSig(post, hashStateStruct(post), BROKER_A.privateKey),
    ]);
    await write(f.wallets.anyone, "respond", [toAbiState(newer), await f.cosign(newer)]);
    await write(f.wallets.b, "challenge", [
      toAbiState(newer),
      await f.cosign(newer),
      BROKER_B.address,
      await f.challengerSig(newer, hashStateStruct(newer), BROKER_B.privateKey),
    ]);
    await increaseTime(3600);
    const bBefore = await custodyBalance(BROKER_B.address, f.usdc);
    await write(f.wallets.anyone, "conclude", [toAbiState(newer)]);
    assert.equal(await custodyBalance(BROKER_B.address, f.usdc), bBefore + 16_000n, "paid the newest state");
    const view = await read<{ openChannels: number }>("broker", [BROKER_B.address]);
    assert.equal(view.openChannels, 0);
  });

  it("a lock the clearing signed for another chain is refused", async () => {
    const id = await read<Hex>("channelIdOf", [BROKER_A.address, BROKER_B.address, 2n]);
    const v0: ChannelState = {
      channelId: id,
      version: 0n,
      intent: Intent.INITIALIZE,
      allocations: [{ token: f.usdc, traderAmount: 100n, exchangeAmount: 100n }],
      appDataHash: keccak256(toHex("app")),
    };
    const lockA = await lockFor("other-chain", BROKER_A.address, BROKER_B.address, 100n);
    const foreign = await privateKeyToAccount(CLEARING.privateKey).signTypedData({
      domain: { ...domain(), chainId: 1 },
      types: COLLATERAL_LOCK_TYPES,
      primaryType: "CollateralLock",
      message: lockA,
    });
    await assert.rejects(
      publicClient.simulateContract({
        address: f.network,
        abi: brokerNetworkAbi,
        functionName: "openChannel",
        args: [
          BROKER_A.address,
          BROKER_B.address,
          2n,
          { lock: lockA, signature: foreign },
          await signed(await lockFor("b2", BROKER_B.address, BROKER_A.address, 100n)),
          toAbiState(v0),
          await f.cosign(v0),
        ],
        account: BROKER_A.address,
      }),
      (error: Error) => /SignatureInvalid/.test(error.message),
    );
  });
});
