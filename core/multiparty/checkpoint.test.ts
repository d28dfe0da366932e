import fc from "fast-check";
import { concat, encodeAbiParameters, hashTypedData, keccak256, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { bytesToHex } from "../channel/bytes";
import {
  balanceLeaf,
  balanceProof,
  checkpointDigest,
  checkpointOf,
  checkpointTypedData,
  headsHash,
  opLeaf,
  signCheckpoint,
  verifyBalanceProof,
  verifyCheckpointSignature,
} from "./checkpoint";
import { fullReplica } from "./delivery.test-util";
import { MultipartyError } from "./errors";
import { merkleProof, merkleRoot, verifyMerkleProof } from "./merkle";
import { Replica } from "./replica";
import { arbStep, buildScenario } from "./scenario.test-util";

const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex(b));

/** OpenZeppelin's tree shape written the slow way with viem: sorted pairs, odd node carried up. */
function slowRoot(leaves: Hex[]): Hex {
  if (leaves.length === 1) return leaves[0]!;
  const up: Hex[] = [];
  for (let i = 0; i < leaves.length; i += 2) {
    const [a, b] = [leaves[i]!, leaves[i + 1]];
    up.push(b === undefined ? a : keccak256(a < b ? concat([a, b]) : concat([b, a])));
  }
  return slowRoot(up);
}

describe("Merkle tree (OpenZeppelin MerkleProof.verify compatible)", () => {
  it("root equals the slow construction; every leaf's proof verifies, a changed leaf or proof does not", () => {
    fc.assert(
      fc.property(fc.array(hex32, { minLength: 1, maxLength: 17 }), fc.nat(), (leaves, pick) => {
        const root = merkleRoot(leaves);
        expect(root).toBe(slowRoot(leaves));
        leaves.forEach((leaf, i) => expect(verifyMerkleProof(root, leaf, merkleProof(leaves, i))).toBe(true));
        const i = pick % leaves.length;
        const other = `0x${"ee".repeat(32)}` as Hex;
        if (!leaves.includes(other)) expect(verifyMerkleProof(root, other, merkleProof(leaves, i))).toBe(false);
        if (leaves.length > 2 && leaves[i] !== leaves[(i + 1) % leaves.length])
          expect(verifyMerkleProof(root, leaves[i]!, merkleProof(leaves, (i + 1) % leaves.length))).toBe(false);
      }),
      { numRuns: 100 },
    );
    expect(merkleRoot([])).toBe(`0x${"00".repeat(32)}`);
  });
});

describe("checkpoint encodings", () => {
  const channelId = `0x${"c1".repeat(32)}` as Hex;
  const entry = {
    participant: "0x00000000000000000000000000000000000000aa" as Address,
    token: "0x1111111111111111111111111111111111111111" as Address,
    free: 5n,
    locked: 2n ** 200n,
    withdrawn: 7n,
  };

  it("a balance leaf is keccak256(keccak256(abi.encode(channelId, participant, token, free, locked, withdrawn)))", () => {
    const encoded = encodeAbiParameters(
      [
        { type: "bytes32" },
        { type: "address" },
        { type: "address" },
        { type: "uint256" },
        { type: "uint256" },
        { type: "uint256" },
      ],
      [channelId, entry.participant, entry.token, entry.free, entry.locked, entry.withdrawn],
    );
    expect(balanceLeaf(channelId, entry)).toBe(keccak256(keccak256(encoded)));
    expect(opLeaf(channelId)).toBe(keccak256(keccak256(encodeAbiParameters([{ type: "bytes32" }], [channelId]))));
  });

  it("headsHash is keccak256 of abi.encode(author, uint64 count, head) per participant, concatenated", () => {
    const heads = [
      { author: entry.participant, count: 3, head: channelId },
      { author: entry.token, count: 0, head: `0x${"00".repeat(32)}` as Hex },
    ];
    const encoded = concat(
      heads.map((h) =>
        encodeAbiParameters(
          [{ type: "address" }, { type: "uint64" }, { type: "bytes32" }],
          [h.author, BigInt(h.count), h.head],
        ),
      ),
    );
    expect(headsHash(heads)).toBe(keccak256(encoded));
  });
});

describe("the checkpoint of a folded state", () => {
  const steps = fc.sample(fc.array(arbStep, { minLength: 30, maxLength: 30 }), { numRuns: 1, seed: 7 })[0]!;
  const scenario = buildScenario(5, steps, 0);
  const replica = fullReplica(scenario);
  const state = replica.state();
  const checkpoint = checkpointOf(state, 3n);

  it("every participant's balance is provable against the root; an inflated claim is not", () => {
    expect(state.balances.length).toBeGreaterThan(3);
    for (const b of state.balances) {
      const { entry, proof } = balanceProof(state, b.participant, b.token);
      expect(verifyBalanceProof(checkpoint.balancesRoot, state.channelId, entry, proof)).toBe(true);
      expect(
        verifyBalanceProof(checkpoint.balancesRoot, state.channelId, { ...entry, free: entry.free + 1n }, proof),
      ).toBe(false);
      expect(verifyBalanceProof(checkpoint.balancesRoot, `0x${"00".repeat(32)}`, entry, proof)).toBe(false);
    }
    expect(() =>
      balanceProof(state, "0x00000000000000000000000000000000000000aa", scenario.config.participants[0]!),
    ).toThrow(MultipartyError);
  });

  it("totals equal what the leaves hold plus what was withdrawn, per token", () => {
    for (const t of checkpoint.totals) {
      const leaves = state.balances.filter((b) => b.token === t.token);
      expect(leaves.reduce((s, b) => s + b.free + b.locked, 0n)).toBe(t.deposited - t.withdrawn);
      expect(leaves.reduce((s, b) => s + b.withdrawn, 0n)).toBe(t.withdrawn);
    }
  });

  it("is the same for a replica that got the messages in reverse, and is signed as a wallet would", async () => {
    const reversed = new Replica(scenario.config, scenario.deposits);
    for (const m of [...scenario.messages].reverse()) reversed.receive(m);
    expect(checkpointOf(reversed.state(), 3n)).toEqual(checkpoint);
    const key = buildKey();
    const signature = signCheckpoint(scenario.config.domain, checkpoint, key.privateKey);
    expect(signature).toBe(
      await privateKeyToAccount(key.privateKey).signTypedData(checkpointTypedData(scenario.config.domain, checkpoint)),
    );
    expect(bytesToHex(checkpointDigest(scenario.config.domain, checkpoint))).toBe(
      hashTypedData(checkpointTypedData(scenario.config.domain, checkpoint)),
    );
    expect(verifyCheckpointSignature(scenario.config.domain, checkpoint, signature, key.address)).toBe(true);
    expect(
      verifyCheckpointSignature(scenario.config.domain, { ...checkpoint, version: 4n }, signature, key.address),
    ).toBe(false);
    expect(() => checkpointOf(state, 1n << 64n)).toThrow(MultipartyError);
  });
});

function buildKey() {
  const privateKey = `0x${"2a".repeat(32)}` as Hex;
  return { privateKey, address: privateKeyToAccount(privateKey).address };
}
