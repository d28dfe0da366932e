/**
 * The broker network on any viem-reachable chain whose accounts are the well-known Hardhat
 * test accounts: a network token and demo USDC/WETH, the custody contract with both broker
 * modules, demo brokers #6 (a) and #7 (b) funded in custody, registered and staked for four
 * channels each, and the EIP-712 signing the clearing service and broker nodes do (locks,
 * B2B states, settlements, challenges). Shared by the TS contract tests and the gas bench.
 */
import {
  getAddress,
  parseUnits,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { HARDHAT_TEST_ACCOUNTS, LOCAL_ROLES } from "../../core/chain/hardhat-test-accounts";
import { CHALLENGE_TYPES, STATE_TYPES, toAbiState, type ChannelState } from "../../core/channel";
import { brokerNetworkAbi, custodyAbi, demoTokenAbi, demoTokenBytecode } from "../generated";
import { LOCAL_BROKER_ROLES } from "../deploy/local";
import { deployCustodyStack } from "../deploy/stack";

export type Wallet = WalletClient<Transport, Chain, Account>;

/** The broker network's EIP-712 domain name and version (BrokerNetwork's constructor). */
export const BROKER_DOMAIN_NAME = "Clearline Broker Network";
export const BROKER_DOMAIN_VERSION = "1";

export const COLLATERAL_LOCK_TYPES = {
  CollateralLock: [
    { name: "lockId", type: "bytes32" },
    { name: "broker", type: "address" },
    { name: "counterparty", type: "address" },
    { name: "token", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "expiresAt", type: "uint64" },
  ],
} as const;

export const SETTLEMENT_TYPES = {
  Settlement: [
    { name: "channelId", type: "bytes32" },
    { name: "version", type: "uint48" },
    { name: "stateHash", type: "bytes32" },
    { name: "legs", type: "Leg[]" },
  ],
  Leg: [
    { name: "token", type: "address" },
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "amount", type: "uint256" },
  ],
} as const;

export interface CollateralLock {
  lockId: Hex;
  broker: Address;
  counterparty: Address;
  token: Address;
  amount: bigint;
  expiresAt: bigint;
}

export interface SettlementLeg {
  token: Address;
  from: Address;
  to: Address;
  amount: bigint;
}

export const BROKER_A = HARDHAT_TEST_ACCOUNTS[LOCAL_ROLES.brokers[0]]!;
export const BROKER_B = HARDHAT_TEST_ACCOUNTS[LOCAL_ROLES.brokers[1]]!;
export const CLEARING = HARDHAT_TEST_ACCOUNTS[LOCAL_BROKER_ROLES.clearingSigner]!;
export const ARBITER = HARDHAT_TEST_ACCOUNTS[LOCAL_BROKER_ROLES.arbiter]!;
const EXCHANGE = HARDHAT_TEST_ACCOUNTS[LOCAL_ROLES.exchange]!;
const DEPLOYER = HARDHAT_TEST_ACCOUNTS[LOCAL_ROLES.deployer]!;

export const STAKE_PER_CHANNEL = parseUnits("62500", 18);

export interface BrokerFixture {
  publicClient: PublicClient;
  chainId: number;
  wallets: { deployer: Wallet; a: Wallet; b: Wallet; arbiter: Wallet; anyone: Wallet };
  custody: Address;
  network: Address;
  legs: Address;
  networkToken: Address;
  usdc: Address;
  weth: Address;
  send: (hash: Promise<Hex>) => Promise<{ gasUsed: bigint; blockNumber: bigint }>;
  /** the clearing key's signature over a lock */
  signLock: (lock: CollateralLock) => Promise<Hex>;
  /** both brokers' signatures over a B2B state ({ a, b } as the contract takes them) */
  cosign: (state: ChannelState) => Promise<{ a: Hex; b: Hex }>;
  /** both brokers' signatures over a same-chain settlement to `state` */
  cosignSettlement: (state: ChannelState, stateHash: Hex, legs: SettlementLeg[]) => Promise<{ a: Hex; b: Hex }>;
  challengerSig: (state: ChannelState, stateHash: Hex, privateKey: Hex) => Promise<Hex>;
}

export interface BrokerFixtureOptions {
  challengePeriodSeconds?: bigint;
  htlMarginSeconds?: bigint;
}

export async function deployBrokerFixture(
  publicClient: PublicClient,
  wallets: Wallet[],
  options: BrokerFixtureOptions = {},
): Promise<BrokerFixture> {
  const byAddress = (address: string) => {
    const wallet = wallets.find((w) => w.account.address.toLowerCase() === address.toLowerCase());
    if (!wallet) throw new Error(`no wallet client for ${address}`);
    return wallet;
  };
  const deployer = byAddress(DEPLOYER.address);
  const a = byAddress(BROKER_A.address);
  const b = byAddress(BROKER_B.address);
  const send = async (hash: Promise<Hex>) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
    if (receipt.status !== "success") throw new Error(`transaction ${receipt.transactionHash} reverted`);
    return receipt;
  };
  const token = async (name: string, symbol: string, decimals: number) => {
    const receipt = await send(
      deployer.deployContract({ abi: demoTokenAbi, bytecode: demoTokenBytecode, args: [name, symbol, decimals] }),
    );
    return getAddress(receipt.contractAddress!);
  };
  const networkToken = await token("Clearline Network Token (test token)", "CLN", 18);
  let usdc = await token("Demo USDC", "USDC", 6);
  let weth = await token("Demo WETH", "WETH", 18);
  if (weth.toLowerCase() < usdc.toLowerCase()) [usdc, weth] = [weth, usdc];
  const challengePeriodSeconds = options.challengePeriodSeconds ?? 3600n;
  const stack = await deployCustodyStack(
    publicClient,
    deployer,
    { exchange: EXCHANGE.address, challengePeriodSeconds },
    {
      stakeToken: networkToken,
      stakePerChannel: STAKE_PER_CHANNEL,
      clearingSigner: CLEARING.address,
      arbiter: ARBITER.address,
      slashCapBps: 2_000n,
      slashCooldownSeconds: 86_400n,
      challengePeriodSeconds,
      htlMarginSeconds: options.htlMarginSeconds ?? 600n,
    },
  );
  const { custody, brokerNetwork: network, brokerLegs: legs } = stack;

  for (const wallet of [a, b]) {
    const amounts: [Address, bigint][] = [
      [networkToken, parseUnits("1000000", 18)],
      [usdc, 10n ** 15n],
      [weth, 10n ** 24n],
    ];
    for (const [address, amount] of amounts) {
      await send(
        deployer.writeContract({
          address,
          abi: demoTokenAbi,
          functionName: "mint",
          args: [wallet.account.address, amount],
        }),
      );
      await send(
        wallet.writeContract({ address, abi: demoTokenAbi, functionName: "approve", args: [custody, amount] }),
      );
      await send(
        wallet.writeContract({ address: custody, abi: custodyAbi, functionName: "deposit", args: [address, amount] }),
      );
    }
  }

  const chainId = await publicClient.getChainId();
  const domain = {
    name: BROKER_DOMAIN_NAME,
    version: BROKER_DOMAIN_VERSION,
    chainId,
    verifyingContract: network,
  } as const;
  const accountA = privateKeyToAccount(BROKER_A.privateKey);
  const accountB = privateKeyToAccount(BROKER_B.privateKey);
  const signState = (state: ChannelState, account: typeof accountA) =>
    account.signTypedData({ domain, types: STATE_TYPES, primaryType: "State", message: toAbiState(state) });
  return {
    publicClient,
    chainId,
    wallets: {
      deployer,
      a,
      b,
      arbiter: byAddress(ARBITER.address),
      anyone: byAddress(HARDHAT_TEST_ACCOUNTS[LOCAL_ROLES.traders[0]]!.address),
    },
    custody,
    network,
    legs,
    networkToken,
    usdc,
    weth,
    send,
    signLock: (lock) =>
      privateKeyToAccount(CLEARING.privateKey).signTypedData({
        domain,
        types: COLLATERAL_LOCK_TYPES,
        primaryType: "CollateralLock",
        message: lock,
      }),
    cosign: async (state) => ({ a: await signState(state, accountA), b: await signState(state, accountB) }),
    cosignSettlement: async (state, stateHash, legs) => {
      const message = { channelId: state.channelId, version: Number(state.version), stateHash, legs };
      const typed = { domain, types: SETTLEMENT_TYPES, primaryType: "Settlement", message } as const;
      return { a: await accountA.signTypedData(typed), b: await accountB.signTypedData(typed) };
    },
    challengerSig: (state, stateHash, privateKey) =>
      privateKeyToAccount(privateKey).signTypedData({
        domain,
        types: CHALLENGE_TYPES,
        primaryType: "Challenge",
        message: { channelId: state.channelId, version: Number(state.version), stateHash },
      }),
  };
}

/** Registers a and b (each its own signer) and stakes 250,000 tokens each: four channels of quota. */
export async function registerAndStake(f: BrokerFixture): Promise<{ register: bigint; stake: bigint }> {
  let register = 0n;
  let stake = 0n;
  for (const wallet of [f.wallets.a, f.wallets.b]) {
    const write = (functionName: string, args: readonly unknown[]) =>
      f.send(wallet.writeContract({ address: f.network, abi: brokerNetworkAbi, functionName, args } as never));
    register = (await write("registerBroker", [wallet.account.address, "https://broker.example/b2b"])).gasUsed;
    stake = (await write("stake", [4n * STAKE_PER_CHANNEL])).gasUsed;
  }
  return { register, stake };
}
