/**
 * What a deployment of Clearline's contracts is: where the custody contract and the tokens
 * live on which chain. deployLocal() returns one; the server reads one from a JSON file and
 * validates it with `deploymentSchema`.
 */
import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";
import { z } from "zod";

export const DEMO_TOKEN_SYMBOLS = ["USDC", "WETH", "WBTC"] as const;
export type DemoTokenSymbol = (typeof DEMO_TOKEN_SYMBOLS)[number];

export interface DeployedToken {
  address: Address;
  decimals: number;
  symbol: string;
}

/** The broker network (docs/PROTOCOL.md, "Broker network"): its two modules and parameters. */
export interface BrokerDeployment {
  /** BrokerNetwork: registry, stake, B2B channels, same-chain settlement; EIP-712 domain "Clearline Broker Network" "1" */
  network: Address;
  /** BrokerLegs: hash-time-locked legs */
  legs: Address;
  /** the demo network token staked for quota */
  networkToken: DeployedToken;
  /** network-token base units per channel of quota, decimal string */
  stakePerChannel: string;
  /** signs collateral locks (dev: a well-known test key) */
  clearingSigner: Address;
  /** the only account that may slash (dev: a well-known test key) */
  arbiter: Address;
  challengePeriodSeconds: number;
  htlMarginSeconds: number;
}

/** On-chain evidence (docs/PROTOCOL.md, "Evidence"): where the exchange anchors its journal. */
export interface EvidenceDeployment {
  /** EvidenceEntrypoint over `custody`; batches signed by `exchange`; EIP-712 domain "Clearline Evidence" "1" */
  entrypoint: Address;
  /** block of its deployment: where the anchoring loop and watchers start scanning BatchAnchored */
  deployBlock: number;
}

export interface Deployment {
  chainId: number;
  /** hash of block 0: tells one local chain from a restarted one with the same chain id */
  genesisHash: Hex;
  /** block of the custody deployment: where a chain watcher starts scanning */
  deployBlock: number;
  custody: Address;
  /** the exchange's address: the counterparty of every channel (immutable in the custody contract) */
  exchange: Address;
  challengePeriodSeconds: number;
  tokens: Record<DemoTokenSymbol, DeployedToken>;
  /** absent in deployments made before the broker network existed */
  brokers?: BrokerDeployment;
  /** absent in deployments made before on-chain evidence existed */
  evidence?: EvidenceDeployment;
}

const address = z
  .string()
  .refine((value) => isAddress(value, { strict: false }), { message: "not an address" })
  .transform((value) => getAddress(value));
const hash32 = z
  .string()
  .refine((value) => isHex(value, { strict: true }) && value.length === 66, { message: "not a 32-byte hex hash" })
  .transform((value) => value.toLowerCase() as Hex);
const token = z.object({
  address,
  decimals: z.number().int().min(0).max(36),
  symbol: z.string().min(1).max(16),
});

/** Validates a deployment JSON document (addresses are checksummed on the way in). */
export const deploymentSchema = z.object({
  chainId: z.number().int().positive(),
  genesisHash: hash32,
  deployBlock: z
    .union([z.number().int().nonnegative(), z.bigint().nonnegative(), z.string().regex(/^\d+$/)])
    .transform((value) => Number(value)),
  custody: address,
  exchange: address,
  challengePeriodSeconds: z.number().int().positive(),
  tokens: z.object({ USDC: token, WETH: token, WBTC: token }),
  brokers: z
    .object({
      network: address,
      legs: address,
      networkToken: token,
      stakePerChannel: z.string().regex(/^\d+$/),
      clearingSigner: address,
      arbiter: address,
      challengePeriodSeconds: z.number().int().positive(),
      htlMarginSeconds: z.number().int().positive(),
    })
    .optional(),
  evidence: z
    .object({
      entrypoint: address,
      deployBlock: z.number().int().nonnegative(),
    })
    .optional(),
}) satisfies z.ZodType<Deployment, unknown>;

export function parseDeployment(json: unknown): Deployment {
  return deploymentSchema.parse(json);
}
