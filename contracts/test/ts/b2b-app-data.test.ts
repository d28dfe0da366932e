/**
 * The B2B app data hash: the Solidity library (B2BAppData.sol, through its test harness) equals
 * viem's hashStruct over random app data, with a types object written here from the struct
 * definition the TS side (core/clearing) uses. Run with `npx hardhat test nodejs`.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import fc from "fast-check";
import { artifacts, network } from "hardhat";
import { encodeAbiParameters, getAddress, hashStruct, type Abi, type Address, type Hex, type PublicClient } from "viem";
import type { Wallet } from "../../testing/brokers";

const B2B_APP_DATA_TYPES = {
  B2BAppData: [
    { name: "thresholds", type: "Thresholds" },
    { name: "bu", type: "Holding[]" },
    { name: "oos", type: "OrderSummary[]" },
    { name: "cl", type: "Collateral[]" },
    { name: "liabilities", type: "Liability[]" },
    { name: "marks", type: "Mark[]" },
    { name: "rpc", type: "RpcCounter[]" },
  ],
  Thresholds: [
    { name: "orangeBps", type: "uint16" },
    { name: "redBps", type: "uint16" },
    { name: "stopBps", type: "uint16" },
  ],
  Holding: [
    { name: "host", type: "address" },
    { name: "holder", type: "address" },
    { name: "chainId", type: "uint64" },
    { name: "token", type: "address" },
    { name: "available", type: "uint256" },
    { name: "locked", type: "uint256" },
  ],
  OrderSummary: [
    { name: "host", type: "address" },
    { name: "holder", type: "address" },
    { name: "market", type: "bytes32" },
    { name: "side", type: "uint8" },
    { name: "avgBaseAmount", type: "uint256" },
    { name: "minPrice", type: "uint256" },
    { name: "maxPrice", type: "uint256" },
    { name: "avgQuoteAmount", type: "uint256" },
  ],
  Collateral: [
    { name: "broker", type: "address" },
    { name: "chainId", type: "uint64" },
    { name: "token", type: "address" },
    { name: "available", type: "uint256" },
    { name: "locked", type: "uint256" },
  ],
  Liability: [
    { name: "chainId", type: "uint64" },
    { name: "token", type: "address" },
    { name: "debtor", type: "address" },
    { name: "amount", type: "uint256" },
  ],
  Mark: [
    { name: "chainId", type: "uint64" },
    { name: "token", type: "address" },
    { name: "usdPriceE18", type: "uint256" },
    { name: "timestamp", type: "uint64" },
  ],
  RpcCounter: [
    { name: "payer", type: "address" },
    { name: "kind", type: "uint8" },
    { name: "calls", type: "uint64" },
    { name: "bytesTotal", type: "uint64" },
    { name: "dbReads", type: "uint64" },
    { name: "dbWrites", type: "uint64" },
    { name: "feeAmount", type: "uint256" },
  ],
} as const;

/** The same struct as an ABI tuple, for the harness's `abi.decode`. */
interface AbiParam {
  name?: string;
  type: string;
  components?: AbiParam[];
}
const tuple = (fields: readonly { name: string; type: string }[]): AbiParam => ({
  type: "tuple",
  components: fields.map((f): AbiParam => {
    const base = f.type.replace("[]", "") as keyof typeof B2B_APP_DATA_TYPES;
    if (!(base in B2B_APP_DATA_TYPES)) return f;
    const inner: AbiParam = tuple(B2B_APP_DATA_TYPES[base]);
    return { ...inner, name: f.name, type: f.type.endsWith("[]") ? "tuple[]" : "tuple" };
  }),
});
const APP_DATA_ABI = [tuple(B2B_APP_DATA_TYPES.B2BAppData)] as const;

const u = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });
const hex = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => `0x${Buffer.from(b).toString("hex")}` as Hex);
const address = hex(20).map((h) => getAddress(h) as Address);
const small = (n: number) => fc.integer({ min: 0, max: (1 << n) - 1 });
const list = <T>(item: fc.Arbitrary<T>) => fc.array(item, { maxLength: 4 });

const arbAppData = fc.record({
  thresholds: fc.record({ orangeBps: small(16), redBps: small(16), stopBps: small(16) }),
  bu: list(
    fc.record({ host: address, holder: address, chainId: u(64), token: address, available: u(256), locked: u(256) }),
  ),
  oos: list(
    fc.record({
      host: address,
      holder: address,
      market: hex(32),
      side: small(8),
      avgBaseAmount: u(256),
      minPrice: u(256),
      maxPrice: u(256),
      avgQuoteAmount: u(256),
    }),
  ),
  cl: list(fc.record({ broker: address, chainId: u(64), token: address, available: u(256), locked: u(256) })),
  liabilities: list(fc.record({ chainId: u(64), token: address, debtor: address, amount: u(256) })),
  marks: list(fc.record({ chainId: u(64), token: address, usdPriceE18: u(256), timestamp: u(64) })),
  rpc: list(
    fc.record({
      payer: address,
      kind: small(8),
      calls: u(64),
      bytesTotal: u(64),
      dbReads: u(64),
      dbWrites: u(64),
      feeAmount: u(256),
    }),
  ),
});

describe("B2B app data: Solidity B2BAppData = viem hashStruct", () => {
  let publicClient: PublicClient;
  let harness: Address;
  let abi: Abi;

  before(async () => {
    const { viem } = await network.create();
    publicClient = (await viem.getPublicClient()) as unknown as PublicClient;
    const [deployer] = (await viem.getWalletClients()) as unknown as Wallet[];
    const artifact = await artifacts.readArtifact("B2BAppDataHarness");
    abi = artifact.abi as Abi;
    const hash = await deployer!.deployContract({ abi, bytecode: artifact.bytecode as Hex } as never);
    harness = getAddress((await publicClient.waitForTransactionReceipt({ hash })).contractAddress!);
  });

  const onChain = (data: unknown) =>
    publicClient.readContract({
      address: harness,
      abi,
      functionName: "hash",
      args: [encodeAbiParameters(APP_DATA_ABI as never, [data] as never)],
    }) as Promise<Hex>;

  it("the type string is EIP-712's encodeType of the struct", async () => {
    const typeString = (await publicClient.readContract({
      address: harness,
      abi,
      functionName: "typeString",
    })) as string;
    const def = (name: keyof typeof B2B_APP_DATA_TYPES) =>
      `${name}(${B2B_APP_DATA_TYPES[name].map((f) => `${f.type} ${f.name}`).join(",")})`;
    const referenced = (Object.keys(B2B_APP_DATA_TYPES) as (keyof typeof B2B_APP_DATA_TYPES)[])
      .filter((n) => n !== "B2BAppData")
      .sort();
    assert.equal(typeString, [def("B2BAppData"), ...referenced.map(def)].join(""));
  });

  it("empty app data hashes alike", async () => {
    const empty = {
      thresholds: { orangeBps: 8_000, redBps: 9_000, stopBps: 9_500 },
      bu: [],
      oos: [],
      cl: [],
      liabilities: [],
      marks: [],
      rpc: [],
    };
    assert.equal(
      await onChain(empty),
      hashStruct({ data: empty, primaryType: "B2BAppData", types: B2B_APP_DATA_TYPES }),
    );
  });

  it("random app data hashes alike", async () => {
    await fc.assert(
      fc.asyncProperty(arbAppData, async (data) => {
        const viemHash = hashStruct({ data, primaryType: "B2BAppData", types: B2B_APP_DATA_TYPES });
        assert.equal(await onChain(data), viemHash);
      }),
      { numRuns: 60 },
    );
  });
});
