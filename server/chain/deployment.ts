/**
 * Which contracts this exchange uses. On a real chain the addresses come from configuration
 * (token symbols and decimals are read from the chain); locally, from the deployment file
 * that `npm run dev` writes after deploying to the local node.
 */
import { existsSync, readFileSync } from "node:fs";
import { erc20Abi, getAddress, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { custodyAbi } from "../../contracts/generated";
import { deploymentSchema, type Deployment } from "../../contracts/deploy/deployment";
import type { PublicClient } from "viem";
import type { Env } from "../env";

/** Parse a deployment file; the error names the file and what is wrong with it. */
export function readDeploymentFile(file: string): Deployment {
  if (!existsSync(file))
    throw new Error(
      `no deployment file at ${file}: run \`npm run dev\` (local chain) or set CUSTODY_ADDRESS and the token addresses`,
    );
  return validDeployment(`deployment file ${file}`, JSON.parse(readFileSync(file, "utf8")));
}

function validDeployment(what: string, value: unknown): Deployment {
  const parsed = deploymentSchema.safeParse(value);
  if (!parsed.success)
    throw new Error(
      `${what} is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  return parsed.data;
}

type ConfiguredAddresses = NonNullable<Env["chain"]["addresses"]>;

async function fromConfiguredAddresses(
  e: Env,
  addresses: ConfiguredAddresses,
  client: PublicClient,
): Promise<Deployment> {
  const [chainId, genesis] = await Promise.all([client.getChainId(), client.getBlock({ blockNumber: 0n })]);
  const token = async (expected: "USDC" | "WETH" | "WBTC") => {
    const address = addresses[expected] as Address;
    const [symbol, decimals] = await Promise.all([
      client.readContract({ address, abi: erc20Abi, functionName: "symbol" }),
      client.readContract({ address, abi: erc20Abi, functionName: "decimals" }),
    ]);
    return { address, symbol, decimals };
  };
  const custody = addresses.custody as Address;
  const [USDC, WETH, WBTC, exchange, challengePeriod] = await Promise.all([
    token("USDC"),
    token("WETH"),
    token("WBTC"),
    client.readContract({ address: custody, abi: custodyAbi, functionName: "exchange" }),
    client.readContract({ address: custody, abi: custodyAbi, functionName: "challengePeriod" }),
  ]);
  const signer = privateKeyToAccount(e.exchangePrivateKey).address;
  if (getAddress(exchange) !== signer) {
    throw new Error(
      `EXCHANGE_PRIVATE_KEY signs as ${signer}, but the custody contract at ${custody} belongs to the exchange ${exchange}`,
    );
  }
  return validDeployment(`the contracts configured for ${e.chain.rpcUrl}`, {
    chainId,
    genesisHash: genesis.hash,
    deployBlock: e.chain.deployBlock,
    custody,
    exchange,
    challengePeriodSeconds: Number(challengePeriod),
    tokens: { USDC, WETH, WBTC },
  });
}

/** The deployment configured for this process: the configured addresses on a real chain, else the local deployment file. */
export function loadDeployment(e: Env, client: PublicClient): Promise<Deployment> {
  const addresses = e.chain.addresses;
  return addresses
    ? fromConfiguredAddresses(e, addresses, client)
    : Promise.resolve().then(() => readDeploymentFile(e.chain.deploymentFile));
}
