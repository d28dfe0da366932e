/**
 * Slashing on MultipartyChannel with core/multiparty's own evidence: the Equivocation a replica's
 * fold exports (a fork by two signed ops, and one by a signed head whose path links down to the
 * fork) slashes the author's bond as it is; two checkpoints of one version signed through core
 * slash the signer. Run with `npx hardhat test nodejs`.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { network } from "hardhat";
import type { Address, Hex, PublicClient } from "viem";
import {
  hashOp,
  Replica,
  signCheckpoint,
  signHead,
  signOp,
  ZERO_HASH,
  type Checkpoint,
  type Op,
} from "../../../core/multiparty";
import { multipartyChannelAbi } from "../../generated";
import {
  deployMultiparty,
  openMultiparty,
  toAbiCheckpoint,
  toAbiWitness,
  type MultipartyDeployment,
  type OpenedChannel,
  type Wallet,
} from "../../testing/multiparty";

const BOND = 999n;

describe("MultipartyChannel slashing from core/multiparty evidence (viem, in-process Hardhat chain)", () => {
  let f: MultipartyDeployment;
  let nonce = 0n;

  before(async () => {
    const connection = await network.create();
    const publicClient = (await connection.viem.getPublicClient()) as unknown as PublicClient;
    f = await deployMultiparty(publicClient, (await connection.viem.getWalletClients()) as unknown as Wallet[]);
  });

  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    f.publicClient.readContract({
      address: f.contract,
      abi: multipartyChannelAbi,
      functionName,
      args,
    } as never) as Promise<T>;
  const write = (wallet: Wallet, functionName: string, args: readonly unknown[]) =>
    f.send(wallet.writeContract({ address: f.contract, abi: multipartyChannelAbi, functionName, args } as never));
  const memberOf = (ch: OpenedChannel, address: Address) =>
    read<{ slashed: boolean; bonded: boolean; compensation: bigint }>("member", [ch.channelId, address]);

  const transfer = (ch: OpenedChannel, author: Address, seq: number, prev: Hex, amount: bigint): Op => ({
    channelId: ch.channelId,
    author,
    seq,
    prev,
    deps: [],
    kind: "transfer",
    to: ch.config.participants.find((p) => p !== author)!,
    token: f.tokens[0].toLowerCase() as Address,
    amount,
  });

  async function open() {
    const ch = await openMultiparty(f, 4, { nonce: ++nonce, bond: BOND });
    const cheat = ch.members[2]!;
    const replica = new Replica(ch.config, new Map());
    return { ch, cheat, replica };
  }

  it("a fork of two signed ops, as the fold exports it, slashes the author's bond to the other three", async () => {
    const { ch, cheat, replica } = await open();
    for (const amount of [10n, 20n]) {
      const op = transfer(ch, cheat.address, 0, ZERO_HASH, amount);
      replica.receive({ type: "op", op, signature: signOp(ch.config.domain, op, cheat.privateKey) });
    }
    const [evidence] = replica.state().equivocations;
    assert.ok(evidence, "the fold found the fork");
    await write(f.deployer, "slashEquivocation", [
      ch.channelId,
      evidence.author,
      BigInt(evidence.seq),
      toAbiWitness(evidence.first),
      toAbiWitness(evidence.second),
    ]);
    assert.equal((await memberOf(ch, cheat.address)).slashed, true);
    const shares = await Promise.all(ch.members.filter((m) => m !== cheat).map((m) => memberOf(ch, m.address)));
    assert.deepEqual(
      shares.map((s) => s.compensation),
      [333n, 333n, 333n],
    );
  });

  it("a fork proven by a signed head two ops above it slashes too (the path is checked on chain)", async () => {
    const { ch, cheat, replica } = await open();
    // chain one: ops at seq 0, 1, 2 covered by one head at seq 2; chain two: a signed op at seq 0
    const x0 = transfer(ch, cheat.address, 0, ZERO_HASH, 1n);
    const x1 = transfer(ch, cheat.address, 1, hashOp(x0), 2n);
    const x2 = transfer(ch, cheat.address, 2, hashOp(x1), 3n);
    const head = signHead(
      ch.config.domain,
      { channelId: ch.channelId, author: cheat.address, seq: 2, head: hashOp(x2) },
      cheat.privateKey,
    );
    for (const op of [x0, x1, x2]) replica.receive({ type: "op", op });
    replica.receive({ type: "head", head });
    const y0 = transfer(ch, cheat.address, 0, ZERO_HASH, 5n);
    replica.receive({ type: "op", op: y0, signature: signOp(ch.config.domain, y0, cheat.privateKey) });
    const [evidence] = replica.state().equivocations;
    assert.ok(evidence, "the fold found the fork");
    const byHead = [evidence.first, evidence.second].find((w) => w.signed.type === "head");
    assert.equal(byHead?.path.length, 2, "the head's side carries the two ops above the fork");
    await write(f.deployer, "slashEquivocation", [
      ch.channelId,
      evidence.author,
      BigInt(evidence.seq),
      toAbiWitness(evidence.first),
      toAbiWitness(evidence.second),
    ]);
    assert.equal((await memberOf(ch, cheat.address)).slashed, true);
  });

  it("two different checkpoints of one version signed through core slash the signer; one checkpoint twice does not", async () => {
    const { ch, cheat } = await open();
    const checkpoint = (root: string): Checkpoint => ({
      channelId: ch.channelId,
      version: 9n,
      headsHash: ZERO_HASH,
      balancesRoot: `0x${root.repeat(64)}` as Hex,
      opsRoot: ZERO_HASH,
      totals: [],
    });
    const [a, b] = [checkpoint("a"), checkpoint("b")];
    const [sigA, sigB] = [a, b].map((c) => signCheckpoint(ch.config.domain, c, cheat.privateKey));
    await assert.rejects(
      write(f.deployer, "slashDoubleCheckpoint", [
        ch.channelId,
        cheat.address,
        toAbiCheckpoint(a),
        sigA,
        toAbiCheckpoint(a),
        sigA,
      ]),
      /MultipartyCheckpointsIdentical/,
    );
    await write(f.deployer, "slashDoubleCheckpoint", [
      ch.channelId,
      cheat.address,
      toAbiCheckpoint(a),
      sigA,
      toAbiCheckpoint(b),
      sigB,
    ]);
    assert.equal((await memberOf(ch, cheat.address)).slashed, true);
    assert.equal((await memberOf(ch, cheat.address)).bonded, false, "the bond is gone");
  });
});
