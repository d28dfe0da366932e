/**
 * A deployed custody contract with demo tokens on any viem-reachable chain whose accounts are
 * the well-known Hardhat test accounts, plus helpers that build and co-sign states with
 * core/channel. Shared by the TS contract tests and the gas benchmark.
 */
import {
  getAddress,
  zeroAddress,
  type Address,
  type Hex,
  type PublicClient,
  type WalletClient,
  type Account,
  type Chain,
  type Transport,
} from "viem";
import { HARDHAT_TEST_ACCOUNTS, LOCAL_ROLES } from "../../core/chain/hardhat-test-accounts";
import {
  hashChallenge,
  hashStateStruct,
  signDigest,
  signState,
  type ChannelDomain,
  type ChannelState,
  type CoSignatures,
} from "../../core/channel";
import { hexToBytes } from "../../core/channel/bytes";
import { custodyAbi, custodyBytecode, demoTokenAbi, demoTokenBytecode } from "../generated";

export type Wallet = WalletClient<Transport, Chain, Account>;

export const EXCHANGE = HARDHAT_TEST_ACCOUNTS[LOCAL_ROLES.exchange]!;
export const TRADER = HARDHAT_TEST_ACCOUNTS[LOCAL_ROLES.traders[0]]!;

export interface Fixture {
  publicClient: PublicClient;
  wallets: { deployer: Wallet; exchange: Wallet; trader: Wallet; other: Wallet };
  custody: Address;
  usdc: Address;
  weth: Address;
  domain: ChannelDomain;
  /** sends a transaction and returns its receipt, throwing if it reverted */
  send: (hash: Promise<Hex>) => Promise<{ gasUsed: bigint }>;
  cosign: (state: ChannelState) => CoSignatures;
  challengerSig: (state: ChannelState, privateKey: Hex) => Hex;
}

export async function deployFixture(
  publicClient: PublicClient,
  wallets: Wallet[],
  challengePeriodSeconds = 3600n,
): Promise<Fixture> {
  const byAddress = (address: string) => {
    const wallet = wallets.find((w) => w.account.address.toLowerCase() === address.toLowerCase());
    if (!wallet) throw new Error(`no wallet client for ${address}`);
    return wallet;
  };
  const deployer = byAddress(HARDHAT_TEST_ACCOUNTS[LOCAL_ROLES.deployer]!.address);
  const exchange = byAddress(EXCHANGE.address);
  const trader = byAddress(TRADER.address);
  const other = byAddress(HARDHAT_TEST_ACCOUNTS[LOCAL_ROLES.traders[1]]!.address);

  const send = async (hash: Promise<Hex>) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
    if (receipt.status !== "success") throw new Error(`transaction ${receipt.transactionHash} reverted`);
    return receipt;
  };
  const deploy = async (abi: typeof demoTokenAbi | typeof custodyAbi, bytecode: Hex, args: readonly unknown[]) => {
    const receipt = await send(deployer.deployContract({ abi, bytecode, args } as never));
    return getAddress(receipt.contractAddress!);
  };

  let usdc = await deploy(demoTokenAbi, demoTokenBytecode, ["Demo USDC", "USDC", 6]);
  let weth = await deploy(demoTokenAbi, demoTokenBytecode, ["Demo WETH", "WETH", 18]);
  if (weth.toLowerCase() < usdc.toLowerCase()) [usdc, weth] = [weth, usdc];
  // no broker modules: these tests and the gas bench measure the custody contract alone
  const custody = await deploy(custodyAbi, custodyBytecode, [
    exchange.account.address,
    challengePeriodSeconds,
    zeroAddress,
    zeroAddress,
  ]);

  for (const token of [usdc, weth]) {
    for (const wallet of [exchange, trader, other]) {
      await send(
        deployer.writeContract({
          address: token,
          abi: demoTokenAbi,
          functionName: "mint",
          args: [wallet.account.address, 10n ** 30n],
        }),
      );
      // a finite allowance, as in nitro's deposit benchmark ("retains some tokens approved")
      await send(
        wallet.writeContract({
          address: token,
          abi: demoTokenAbi,
          functionName: "approve",
          args: [custody, 10n ** 29n],
        }),
      );
    }
  }
  const domain: ChannelDomain = { chainId: await publicClient.getChainId(), verifyingContract: custody };
  const cosign = (state: ChannelState): CoSignatures => ({
    trader: signState(domain, state, TRADER.privateKey),
    exchange: signState(domain, state, EXCHANGE.privateKey),
  });
  const challengerSig = (state: ChannelState, privateKey: Hex) =>
    signDigest(
      hexToBytes(
        hashChallenge(domain, {
          channelId: state.channelId,
          version: state.version,
          stateHash: hashStateStruct(state),
        }),
      ),
      privateKey,
    );
  return {
    publicClient,
    wallets: { deployer, exchange, trader, other },
    custody,
    usdc,
    weth,
    domain,
    send,
    cosign,
    challengerSig,
  };
}

/** The one conversion lives in the core; re-exported for the contract tests and the gas bench. */
export { toAbiState } from "../../core/channel";
