/**
 * Deploys the custody contract with its two broker modules (BrokerNetwork, BrokerLegs), in
 * the order their constructors need: the custody contract is built with the modules'
 * addresses, precomputed from the deployer's next nonces, and each module checks at
 * construction that the custody contract names it (docs/adr/0007-broker-network-modules.md).
 * Shared by the dev deployment (local.ts), the contract tests and the gas bench.
 */
import {
  getAddress,
  getContractAddress,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import {
  brokerLegsAbi,
  brokerLegsBytecode,
  brokerNetworkAbi,
  brokerNetworkBytecode,
  custodyAbi,
  custodyBytecode,
} from "../generated";

/** The broker network's parameters, fixed at deployment (BrokerNetwork's `Config`). */
export interface BrokerNetworkParams {
  stakeToken: Address;
  /** network-token base units per channel of quota: 62,500 tokens (seed 002) */
  stakePerChannel: bigint;
  /** signs collateral locks */
  clearingSigner: Address;
  /** the only account that may slash */
  arbiter: Address;
  /** at most this share of a stake per slash, in basis points */
  slashCapBps: bigint;
  /** seconds between two slashes, network-wide */
  slashCooldownSeconds: bigint;
  /** seconds a challenged B2B state waits for a newer one */
  challengePeriodSeconds: bigint;
  /** seconds a responder's hash-time-locked leg must expire before the initiator's */
  htlMarginSeconds: bigint;
}

export interface CustodyStack {
  custody: Address;
  brokerNetwork: Address;
  brokerLegs: Address;
  /** block of the custody deployment: where a chain watcher starts scanning */
  deployBlock: number;
}

type Deployer = WalletClient<Transport, Chain, Account>;

export async function deployCustodyStack(
  publicClient: PublicClient,
  deployer: Deployer,
  custodyParams: { exchange: Address; challengePeriodSeconds: bigint },
  brokers: BrokerNetworkParams,
): Promise<CustodyStack> {
  const from = deployer.account.address;
  const nonce = await publicClient.getTransactionCount({ address: from, blockTag: "pending" });
  const brokerNetwork = getContractAddress({ from, nonce: BigInt(nonce + 1) });
  const brokerLegs = getContractAddress({ from, nonce: BigInt(nonce + 2) });

  const custodyReceipt = await mined(
    publicClient,
    deployer.deployContract({
      abi: custodyAbi,
      bytecode: custodyBytecode,
      args: [custodyParams.exchange, custodyParams.challengePeriodSeconds, brokerNetwork, brokerLegs],
      nonce,
    }),
  );
  const custody = getAddress(custodyReceipt.contractAddress!);
  const networkReceipt = await mined(
    publicClient,
    deployer.deployContract({
      abi: brokerNetworkAbi,
      bytecode: brokerNetworkBytecode,
      args: [
        {
          custody,
          stakeToken: brokers.stakeToken,
          stakePerChannel: brokers.stakePerChannel,
          clearingSigner: brokers.clearingSigner,
          arbiter: brokers.arbiter,
          slashCapBps: brokers.slashCapBps,
          slashCooldown: brokers.slashCooldownSeconds,
          challengePeriod: brokers.challengePeriodSeconds,
        },
      ],
      nonce: nonce + 1,
    }),
  );
  const legsReceipt = await mined(
    publicClient,
    deployer.deployContract({
      abi: brokerLegsAbi,
      bytecode: brokerLegsBytecode,
      args: [custody, brokerNetwork, brokers.htlMarginSeconds],
      nonce: nonce + 2,
    }),
  );
  if (
    getAddress(networkReceipt.contractAddress!) !== brokerNetwork ||
    getAddress(legsReceipt.contractAddress!) !== brokerLegs
  ) {
    throw new Error("broker modules were not deployed at the addresses the custody contract was given");
  }
  return { custody, brokerNetwork, brokerLegs, deployBlock: Number(custodyReceipt.blockNumber) };
}

async function mined(client: PublicClient, hash: Promise<Hex>) {
  const receipt = await client.waitForTransactionReceipt({ hash: await hash });
  if (receipt.status !== "success" || !receipt.contractAddress) {
    throw new Error(`deployment ${receipt.transactionHash} failed`);
  }
  return receipt;
}
