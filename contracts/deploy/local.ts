/**
 * Deploys Clearline to an already running local chain (e.g. `npx hardhat node`) with viem
 * only — no Hardhat runtime — so a plain Node script can call it:
 *
 *   const deployment = await deployLocal({ rpcUrl: "http://127.0.0.1:8545" });
 *
 * Demo tokens (USDC 6 decimals, WETH 18, WBTC 8), the custody contract with account 1 as the
 * exchange and its two broker modules (stack.ts), generous token balances for every well-known
 * test account, and a large custody deposit for the exchange so it can cover traders' profits.
 * The broker network: a demo network token (CLN, 18 decimals) minted to the demo brokers
 * (accounts 6 and 7), account 8 as the clearing service's lock signer and account 9 as its
 * arbiter. The EvidenceEntrypoint over the custody (the `evidence` entry), batches signed by the
 * exchange. Test accounts only: refuses any chain but the local one.
 */
import {
  createPublicClient,
  createWalletClient,
  getAddress,
  http,
  parseUnits,
  type Address,
  type Hex,
  type PublicClient,
  type Transport,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  HARDHAT_TEST_ACCOUNTS,
  LOCAL_CHAIN_ID,
  LOCAL_ROLES,
  hardhatTestAccount,
} from "../../core/chain/hardhat-test-accounts";
import {
  custodyAbi,
  demoTokenAbi,
  demoTokenBytecode,
  evidenceEntrypointAbi,
  evidenceEntrypointBytecode,
} from "../generated";
import { DEMO_TOKEN_SYMBOLS, type DemoTokenSymbol, type Deployment } from "./deployment";
import { deployCustodyStack } from "./stack";

export interface DeployLocalOptions {
  rpcUrl: string;
  /** talk to the chain through this transport instead of HTTP to `rpcUrl` (tests: an in-process chain) */
  transport?: Transport;
  /** default 3600 s: short enough for local demos of a challenge, see docs/PROTOCOL.md */
  challengePeriodSeconds?: number;
}

const DEMO_TOKENS: Record<
  DemoTokenSymbol,
  { name: string; decimals: number; perAccount: string; exchangeDeposit: string }
> = {
  USDC: { name: "Clearline Demo USDC (test token)", decimals: 6, perAccount: "1000000", exchangeDeposit: "100000000" },
  WETH: { name: "Clearline Demo WETH (test token)", decimals: 18, perAccount: "1000", exchangeDeposit: "100000" },
  WBTC: { name: "Clearline Demo WBTC (test token)", decimals: 8, perAccount: "100", exchangeDeposit: "10000" },
};

export const DEFAULT_LOCAL_CHALLENGE_PERIOD_SECONDS = 3600;

/**
 * The broker network's roles on the local chain: WELL-KNOWN TEST KEYS (hardhat-test-accounts),
 * for development only. The clearing service signs collateral locks with `clearingSigner` and
 * slashes with `arbiter`; the demo brokers are LOCAL_ROLES.brokers.
 */
export const LOCAL_BROKER_ROLES = { clearingSigner: 8, arbiter: 9 } as const;

/** The broker network's parameters in dev (docs/PROTOCOL.md, "Broker network"). */
export const LOCAL_BROKER_PARAMS = {
  networkToken: { name: "Clearline Network Token (test token)", symbol: "CLN", decimals: 18 },
  /** seed 002: 62,500 tokens per channel (250k → 4, 500k → 8, 1M → 16) */
  stakePerChannelTokens: "62500",
  /** minted to each demo broker: a quota of 16 */
  perBrokerTokens: "1000000",
  slashCapBps: 2_000n,
  slashCooldownSeconds: 86_400n,
  htlMarginSeconds: 600n,
} as const;

export async function deployLocal(options: DeployLocalOptions): Promise<Deployment> {
  const challengePeriodSeconds = options.challengePeriodSeconds ?? DEFAULT_LOCAL_CHALLENGE_PERIOD_SECONDS;
  const transport = options.transport ?? http(options.rpcUrl);
  const publicClient = createPublicClient({ transport });
  const chainId = await publicClient.getChainId();
  if (chainId !== LOCAL_CHAIN_ID) {
    throw new Error(
      `deployLocal uses the well-known test accounts and runs only on chain ${LOCAL_CHAIN_ID}, not ${chainId}`,
    );
  }
  const chain = {
    id: chainId,
    name: "local",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [options.rpcUrl] } },
  } as const;
  const deployer = createWalletClient({
    account: privateKeyToAccount(hardhatTestAccount(LOCAL_ROLES.deployer).privateKey),
    chain,
    transport,
  });
  const exchange = createWalletClient({
    account: privateKeyToAccount(hardhatTestAccount(LOCAL_ROLES.exchange).privateKey),
    chain,
    transport,
  });

  const genesis = await publicClient.getBlock({ blockNumber: 0n });

  const tokens = {} as Deployment["tokens"];
  for (const symbol of DEMO_TOKEN_SYMBOLS) {
    const spec = DEMO_TOKENS[symbol];
    const hash = await deployer.deployContract({
      abi: demoTokenAbi,
      bytecode: demoTokenBytecode,
      args: [spec.name, symbol, spec.decimals],
    });
    tokens[symbol] = { address: await deployedAddress(publicClient, hash), decimals: spec.decimals, symbol };
  }

  const net = LOCAL_BROKER_PARAMS.networkToken;
  const networkToken = {
    address: await deployedAddress(
      publicClient,
      await deployer.deployContract({
        abi: demoTokenAbi,
        bytecode: demoTokenBytecode,
        args: [net.name, net.symbol, net.decimals],
      }),
    ),
    decimals: net.decimals,
    symbol: net.symbol,
  };
  const stakePerChannel = parseUnits(LOCAL_BROKER_PARAMS.stakePerChannelTokens, net.decimals);
  const clearingSigner = hardhatTestAccount(LOCAL_BROKER_ROLES.clearingSigner).address;
  const arbiter = hardhatTestAccount(LOCAL_BROKER_ROLES.arbiter).address;
  const stack = await deployCustodyStack(
    publicClient,
    deployer,
    { exchange: exchange.account.address, challengePeriodSeconds: BigInt(challengePeriodSeconds) },
    {
      stakeToken: networkToken.address,
      stakePerChannel,
      clearingSigner,
      arbiter,
      slashCapBps: LOCAL_BROKER_PARAMS.slashCapBps,
      slashCooldownSeconds: LOCAL_BROKER_PARAMS.slashCooldownSeconds,
      challengePeriodSeconds: BigInt(challengePeriodSeconds),
      htlMarginSeconds: LOCAL_BROKER_PARAMS.htlMarginSeconds,
    },
  );
  const custody = stack.custody;
  // on-chain evidence over this custody: the exchange (account 1) signs the batches
  const evidenceReceipt = await publicClient.waitForTransactionReceipt({
    hash: await deployer.deployContract({
      abi: evidenceEntrypointAbi,
      bytecode: evidenceEntrypointBytecode,
      args: [custody],
    }),
  });
  if (evidenceReceipt.status !== "success" || !evidenceReceipt.contractAddress)
    throw new Error("EvidenceEntrypoint deployment failed");
  const evidence = {
    entrypoint: getAddress(evidenceReceipt.contractAddress),
    deployBlock: Number(evidenceReceipt.blockNumber),
  };

  // Mints: one batch from the deployer with consecutive nonces, then wait for all of them.
  let nonce = await publicClient.getTransactionCount({ address: deployer.account.address, blockTag: "pending" });
  const mints: Hex[] = [];
  for (const symbol of DEMO_TOKEN_SYMBOLS) {
    const spec = DEMO_TOKENS[symbol];
    for (const account of HARDHAT_TEST_ACCOUNTS) {
      let amount = parseUnits(spec.perAccount, spec.decimals);
      if (account.index === LOCAL_ROLES.exchange) amount += parseUnits(spec.exchangeDeposit, spec.decimals);
      mints.push(
        await deployer.writeContract({
          address: tokens[symbol].address,
          abi: demoTokenAbi,
          functionName: "mint",
          args: [account.address, amount],
          nonce: nonce++,
        }),
      );
    }
  }
  for (const index of LOCAL_ROLES.brokers) {
    mints.push(
      await deployer.writeContract({
        address: networkToken.address,
        abi: demoTokenAbi,
        functionName: "mint",
        args: [hardhatTestAccount(index).address, parseUnits(LOCAL_BROKER_PARAMS.perBrokerTokens, net.decimals)],
        nonce: nonce++,
      }),
    );
  }
  await waitAll(publicClient, mints);

  // The exchange approves and deposits its float for covering traders' profits.
  nonce = await publicClient.getTransactionCount({ address: exchange.account.address, blockTag: "pending" });
  const approvals: Hex[] = [];
  for (const symbol of DEMO_TOKEN_SYMBOLS) {
    const spec = DEMO_TOKENS[symbol];
    approvals.push(
      await exchange.writeContract({
        address: tokens[symbol].address,
        abi: demoTokenAbi,
        functionName: "approve",
        args: [custody, parseUnits(spec.exchangeDeposit, spec.decimals)],
        nonce: nonce++,
      }),
    );
  }
  await waitAll(publicClient, approvals);
  const deposits: Hex[] = [];
  for (const symbol of DEMO_TOKEN_SYMBOLS) {
    const spec = DEMO_TOKENS[symbol];
    deposits.push(
      await exchange.writeContract({
        address: custody,
        abi: custodyAbi,
        functionName: "deposit",
        args: [tokens[symbol].address, parseUnits(spec.exchangeDeposit, spec.decimals)],
        nonce: nonce++,
      }),
    );
  }
  await waitAll(publicClient, deposits);

  return {
    chainId,
    genesisHash: genesis.hash,
    deployBlock: stack.deployBlock,
    custody,
    exchange: exchange.account.address,
    challengePeriodSeconds,
    tokens,
    brokers: {
      network: stack.brokerNetwork,
      legs: stack.brokerLegs,
      networkToken,
      stakePerChannel: stakePerChannel.toString(),
      clearingSigner,
      arbiter,
      challengePeriodSeconds,
      htlMarginSeconds: Number(LOCAL_BROKER_PARAMS.htlMarginSeconds),
    },
    evidence,
  };
}

async function deployedAddress(client: PublicClient, hash: Hex): Promise<Address> {
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress) throw new Error(`deployment ${hash} failed`);
  return getAddress(receipt.contractAddress);
}

async function waitAll(client: PublicClient, hashes: readonly Hex[]): Promise<void> {
  const receipts = await Promise.all(hashes.map((hash) => client.waitForTransactionReceipt({ hash })));
  const failed = receipts.find((r) => r.status !== "success");
  if (failed) throw new Error(`transaction ${failed.transactionHash} reverted`);
}
