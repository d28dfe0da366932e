/**
 * The B2B app data hash: the Solidity library (B2BAppData.sol, through its test harness) equals
 * viem's hashStruct over core/clearing's types, and core/clearing's own encoder, over random app
 * data. Run with `npx hardhat test nodejs`.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import fc from "fast-check";
import { artifacts, network } from "hardhat";
import { encodeAbiParameters, getAddress, hashStruct, type Abi, type Address, type Hex, type PublicClient } from "viem";
import { B2B_APP_DATA_TYPES, DEFAULT_THRESHOLDS, hashB2BAppData, type B2BAppData } from "../../../core/clearing";
import type { Wallet } from "../../testing/brokers";

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

  it("core/clearing's encoder hashes valid app data as the contract does", async () => {
    // core validates what it hashes: thresholds in order, a side 0/1, an RPC kind 0..5, min ≤ max price
    const valid = arbAppData.map(
      (d): B2BAppData =>
        ({
          ...d,
          thresholds: DEFAULT_THRESHOLDS,
          oos: d.oos.map((o) => ({
            ...o,
            side: o.side % 2,
            minPrice: o.minPrice < o.maxPrice ? o.minPrice : o.maxPrice,
            maxPrice: o.minPrice < o.maxPrice ? o.maxPrice : o.minPrice,
          })),
          rpc: d.rpc.map((r, i) => ({ ...r, kind: (r.kind + i) % 6 })),
        }) as unknown as B2BAppData,
    );
    await fc.assert(
      fc.asyncProperty(valid, async (data) => {
        assert.equal(await onChain(data), hashB2BAppData(data));
      }),
      { numRuns: 40 },
    );
  });
});
