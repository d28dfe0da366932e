/**
 * A cross-chain settlement by hash time locks, end to end on TWO in-process Hardhat chains
 * (chain ids 31337 and 31338), each with its own custody contract and broker modules: broker a
 * owes USDC on the first chain, broker b owes WETH on the second. Run with `npx hardhat test nodejs`.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { before, describe, it } from "node:test";
import { network } from "hardhat";
import { bytesToHex, sha256, type Address, type Hex, type PublicClient } from "viem";
import { brokerLegsAbi, custodyAbi } from "../../generated";
import {
  BROKER_A,
  BROKER_B,
  deployBrokerFixture,
  registerAndStake,
  type BrokerFixture,
  type Wallet,
} from "../../testing/brokers";

const MARGIN = 600n;

interface Chain {
  f: BrokerFixture;
  client: PublicClient;
  increaseTime: (seconds: bigint) => Promise<void>;
}

async function chain(chainId: number): Promise<Chain> {
  const connection = await network.create({ override: { chainId } });
  const client = (await connection.viem.getPublicClient()) as unknown as PublicClient;
  const f = await deployBrokerFixture(client, (await connection.viem.getWalletClients()) as unknown as Wallet[], {
    htlMarginSeconds: MARGIN,
  });
  await registerAndStake(f);
  const increaseTime = async (seconds: bigint) => {
    await connection.provider.request({ method: "evm_increaseTime", params: [Number(seconds)] });
    await connection.provider.request({ method: "evm_mine", params: [] });
  };
  return { f, client, increaseTime };
}

describe("hash-time-locked settlement across two chains", () => {
  let one: Chain;
  let two: Chain;

  before(async () => {
    one = await chain(31337);
    two = await chain(31338);
  });

  const legs = (c: Chain, wallet: Wallet, functionName: string, args: readonly unknown[]) =>
    c.f.send(wallet.writeContract({ address: c.f.legs, abi: brokerLegsAbi, functionName, args } as never));
  /** the revert a call would hit, decoded by name (the chain's state unchanged) */
  const refusal = (c: Chain, account: Address, functionName: string, args: readonly unknown[]) =>
    c.client.simulateContract({ address: c.f.legs, abi: brokerLegsAbi, functionName, args, account } as never).then(
      () => "no revert",
      (error: Error) => error.message,
    );
  const balance = (c: Chain, account: Address, token: Address) =>
    c.client.readContract({
      address: c.f.custody,
      abi: custodyAbi,
      functionName: "balanceOf",
      args: [account, token],
    }) as Promise<bigint>;
  const now = async (c: Chain) => (await c.client.getBlock()).timestamp;
  /** the leg as locked on chain `c`, read back from its LegLocked event (claim and refund take it) */
  const lockedLeg = async (c: Chain, hashLock: Hex) => {
    const [event] = await c.client.getContractEvents({
      address: c.f.legs,
      abi: brokerLegsAbi,
      eventName: "LegLocked",
      args: { hashLock },
      fromBlock: 0n,
    });
    const { sender, receiver, token, amount, expiresAt } = event!.args;
    return { sender: sender!, receiver: receiver!, token: token!, amount: amount!, expiresAt: expiresAt! };
  };

  it("the chains are distinct", async () => {
    assert.equal(await one.client.getChainId(), 31337);
    assert.equal(await two.client.getChainId(), 31338);
  });

  it("initiator locks, responder locks a margin earlier, initiator claims, responder claims with the revealed preimage", async () => {
    const preimage = bytesToHex(randomBytes(32));
    const hashLock = sha256(preimage);
    const channelId = `0x${"ab".repeat(32)}` as Hex;

    // 1. a (initiator) locks 5,000 USDC for b on chain one
    const initiatorExpiresAt = (await now(one)) + 4n * MARGIN;
    await legs(one, one.f.wallets.a, "lockLeg", [
      {
        hashLock,
        channelId,
        receiver: BROKER_B.address,
        token: one.f.usdc,
        amount: 5_000n,
        expiresAt: initiatorExpiresAt,
        initiatorExpiresAt: 0n,
      },
    ]);

    // 2. b reads a's leg on chain one and locks 1 WETH for a on chain two, a margin earlier
    const [locked] = await one.client.getContractEvents({
      address: one.f.legs,
      abi: brokerLegsAbi,
      eventName: "LegLocked",
      args: { hashLock },
      fromBlock: 0n,
    });
    assert.equal(locked!.args.amount, 5_000n);
    const tooLate = {
      hashLock,
      channelId,
      receiver: BROKER_A.address,
      token: two.f.weth,
      amount: 10n ** 18n,
      expiresAt: locked!.args.expiresAt! - MARGIN + 1n,
      initiatorExpiresAt: locked!.args.expiresAt!,
    };
    assert.match(await refusal(two, BROKER_B.address, "lockLeg", [tooLate]), /HtlResponderMarginTooSmall/);
    await legs(two, two.f.wallets.b, "lockLeg", [{ ...tooLate, expiresAt: tooLate.expiresAt - 1n }]);

    // 3. a claims b's leg on chain two, publishing the preimage there
    const aWeth = await balance(two, BROKER_A.address, two.f.weth);
    await legs(two, two.f.wallets.a, "claimLeg", [hashLock, await lockedLeg(two, hashLock), preimage]);
    assert.equal(await balance(two, BROKER_A.address, two.f.weth), aWeth + 10n ** 18n);

    // 4. b learns the preimage from chain two's log and claims a's leg on chain one in time
    const [claimed] = await two.client.getContractEvents({
      address: two.f.legs,
      abi: brokerLegsAbi,
      eventName: "LegClaimed",
      args: { hashLock },
      fromBlock: 0n,
    });
    await one.increaseTime(2n * MARGIN); // b is slow, but still inside its margin
    const bUsdc = await balance(one, BROKER_B.address, one.f.usdc);
    await legs(one, one.f.wallets.b, "claimLeg", [hashLock, await lockedLeg(one, hashLock), claimed!.args.preimage]);
    assert.equal(await balance(one, BROKER_B.address, one.f.usdc), bUsdc + 5_000n);

    // the hash lock is spent on both chains
    assert.match(
      await refusal(one, BROKER_A.address, "lockLeg", [{ ...tooLate, token: one.f.usdc }]),
      /HtlHashLockUsed/,
    );
  });

  it("when the responder never locks, the initiator refunds at expiry and not before", async () => {
    const hashLock = sha256(bytesToHex(randomBytes(32)));
    const expiresAt = (await now(one)) + 4n * MARGIN;
    await legs(one, one.f.wallets.a, "lockLeg", [
      {
        hashLock,
        channelId: `0x${"00".repeat(32)}`,
        receiver: BROKER_B.address,
        token: one.f.usdc,
        amount: 700n,
        expiresAt,
        initiatorExpiresAt: 0n,
      },
    ]);
    await one.increaseTime(expiresAt - (await now(one)) - 1n);
    assert.equal(await now(one), expiresAt - 1n);
    const leg = await lockedLeg(one, hashLock);
    assert.match(await refusal(one, BROKER_A.address, "refundLeg", [hashLock, leg]), /HtlNotExpired/);
    await one.increaseTime(1n);
    assert.equal(await now(one), expiresAt);
    const aUsdc = await balance(one, BROKER_A.address, one.f.usdc);
    await legs(one, one.f.wallets.b, "refundLeg", [hashLock, leg]);
    assert.equal(await balance(one, BROKER_A.address, one.f.usdc), aUsdc + 700n, "refunded to the sender's custody");
  });
});
