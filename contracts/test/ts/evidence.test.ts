/**
 * The evidence contracts through viem on Hardhat's in-process chain: the Solidity verifier agrees
 * with core/evidence on every vector of evidenceFixture (valid and altered proofs), the EIP-712
 * batch digest is viem's hashTypedData, and anchoring with core's MerkleLog works batch after
 * batch with inclusion proofs checked against the anchored heads. The differential test against
 * core/engine is in evidence-differential.test.ts. Run with `npx hardhat test nodejs`.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import fc from "fast-check";
import { network } from "hardhat";
import { createPublicClient, custom, hashTypedData, type Address, type Hex, type PublicClient } from "viem";
import { evidenceFixture, hashToHex, journalLeafBytes, leafHash } from "../../../core/evidence";
import { parseDeployment } from "../../deploy/deployment";
import { deployLocal } from "../../deploy/local";
import { evidenceEntrypointAbi } from "../../generated";
import { Anchorer, batchTypedData, concatEvents, deployEvidence, evidenceEvent } from "../../testing/evidence";
import { deployFixture, EXCHANGE, type Fixture, type Wallet } from "../../testing/fixture";

const NONE = 0; // EvidenceMerkle.Refusal.None

describe("Evidence contracts (viem, in-process Hardhat chain)", () => {
  let f: Fixture;
  let publicClient: PublicClient;
  let harness: Address;
  let entrypoint: Address;
  let chainId: number;

  before(async () => {
    const { viem } = await network.create();
    publicClient = (await viem.getPublicClient()) as unknown as PublicClient;
    f = await deployFixture(publicClient, (await viem.getWalletClients()) as unknown as Wallet[]);
    harness = (await viem.deployContract("EvidenceMerkleHarness")).address;
    entrypoint = await deployEvidence(publicClient, f.wallets.deployer, f.custody);
    chainId = await publicClient.getChainId();
  });

  const harnessRead = async (functionName: string, args: readonly unknown[]) => {
    const { artifacts } = await import("hardhat");
    const { abi } = await artifacts.readArtifact("EvidenceMerkleHarness");
    return publicClient.readContract({ address: harness, abi, functionName, args } as never) as Promise<number>;
  };
  const read = <T>(functionName: string, args: readonly unknown[]) =>
    publicClient.readContract({
      address: entrypoint,
      abi: evidenceEntrypointAbi,
      functionName,
      args,
    } as never) as Promise<T>;

  for (const size of [1, 2, 3, 7, 8, 13, 64, 100]) {
    it(`agrees with core/evidence on every fixture case of a ${size}-leaf tree`, async () => {
      const fixture = evidenceFixture({ seed: size * 7919, size, inclusionCases: 8, consistencyCases: 8 });
      assert.ok(fixture.inclusion.some((c) => !c.valid) || size === 1, "altered inclusion cases present");
      for (const c of fixture.inclusion) {
        const refusal = await harnessRead("verifyInclusion", [
          c.leafHash,
          BigInt(c.index),
          BigInt(c.size),
          c.root,
          c.proof,
        ]);
        assert.equal(refusal === NONE, c.valid, `inclusion ${c.name} (${c.index} of ${c.size}): ${c.error}`);
      }
      for (const c of fixture.consistency) {
        const refusal = await harnessRead("verifyConsistency", [
          BigInt(c.oldSize),
          BigInt(c.newSize),
          c.oldRoot,
          c.newRoot,
          c.proof,
        ]);
        assert.equal(refusal === NONE, c.valid, `consistency ${c.name} (${c.oldSize}→${c.newSize}): ${c.error}`);
      }
    });
  }

  it("hashes a leaf as core does", async () => {
    const entry = journalLeafBytes(42n, new TextEncoder().encode("a journal row"));
    assert.equal(await harnessRead("leafHash", [hashToHex(entry)]), hashToHex(leafHash(entry)));
  });

  it("the batch digest is viem's hashTypedData of the Batch type", async () => {
    const arbHash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(hashToHex);
    const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    await fc.assert(
      fc.asyncProperty(
        fc.record({ batchId: u64, prevSize: u64, prevRoot: arbHash, newSize: u64, newRoot: arbHash }),
        fc.uint8Array({ maxLength: 300 }).map(hashToHex),
        async (head, events) => {
          const digest = await read<Hex>("hashBatch", [head, events]);
          assert.equal(digest, hashTypedData(batchTypedData(chainId, entrypoint, head, events)));
        },
      ),
      { numRuns: 30 },
    );
  });

  it("anchors core's MerkleLog batch after batch; every entry's inclusion proof verifies on-chain", async () => {
    const anchorer = new Anchorer(publicClient, f.wallets.other, entrypoint, EXCHANGE.privateKey, chainId);
    const entries = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) =>
        journalLeafBytes(BigInt(from + i), new TextEncoder().encode(`row ${from + i}`)),
      );
    let seq = 1;
    const events = concatEvents([
      evidenceEvent.openMarket(0, f.usdc, 1_000, 500),
      evidenceEvent.markPrice(0, 3_000_000n),
    ]);
    for (const count of [1, 3, 4, 9]) {
      await anchorer.anchor(
        entries(seq, count),
        count === 1 ? events : evidenceEvent.markPrice(0, BigInt(3_000_000 + seq)),
      );
      seq += count;
    }
    assert.equal(await read<bigint>("batchCount", []), 4n);
    const sizes = [1, 4, 8, 17];
    for (let b = 0; b < sizes.length; b++) {
      const size = sizes[b]!;
      const root = hashToHex(anchorer.log.rootAt(size));
      assert.deepEqual(await read<[bigint, bigint]>("anchorOf", [root]), [BigInt(b + 1), BigInt(size)]);
      for (let i = 0; i < size; i++) {
        const proof = anchorer.log.inclusionProof(i, size).map(hashToHex);
        const leaf = hashToHex(anchorer.log.leafHashAt(i));
        assert.equal(await read<boolean>("verifyInclusion", [root, leaf, BigInt(i), proof]), true);
      }
    }
    // the proof of leaf 3 in the 17-leaf tree is refused against batch 2's 4-leaf root (size from storage)
    const late = anchorer.log.inclusionProof(3, 17).map(hashToHex);
    const root4 = hashToHex(anchorer.log.rootAt(4));
    assert.equal(
      await read<boolean>("verifyInclusion", [root4, hashToHex(anchorer.log.leafHashAt(3)), 3n, late]),
      false,
    );
    const [config, mark] = await read<[{ quote: Address }, bigint]>("marketOf", [0]);
    assert.equal(config.quote, f.usdc);
    assert.equal(mark, BigInt(3_000_000 + 9)); // the last batch's mark, set at seq 9
  });

  it("the dev deployment's optional evidence entry: an entrypoint over its custody, signed by its exchange", async () => {
    const connection = await network.create();
    const transport = custom(connection.provider);
    const deployment = parseDeployment(
      JSON.parse(JSON.stringify(await deployLocal({ rpcUrl: "http://in-process.invalid", transport }))),
    );
    const evidence = deployment.evidence!;
    assert.ok(evidence, "the deployment names the evidence entrypoint");
    const client = createPublicClient({ transport });
    const at = (functionName: string) =>
      client.readContract({ address: evidence.entrypoint, abi: evidenceEntrypointAbi, functionName } as never);
    assert.equal(await at("custody"), deployment.custody);
    assert.equal(await at("exchange"), deployment.exchange);
    assert.equal(await at("batchCount"), 0n);
    assert.ok(evidence.deployBlock >= deployment.deployBlock);
  });
});
