/**
 * Gas of the multi-party channel (MultipartyChannel) at n = 2, 5 and 10 participants: propose
 * and challenge (a checkpoint signed by all n, one token), the first claim, plus one deposit and
 * one finalize. A scenario of core/multiparty Participants on Hardhat's in-process chain
 * (network.create()): every participant deposits, each pays the next, checkpoints are co-signed
 * through core. No peer figure. Rows for bench/gas.ts.
 */
import type { Address, Hex, PublicClient } from "viem";
import { balanceProof, Participant, type Message, type OnChainDeposit } from "../core/multiparty";
import { multipartyChannelAbi } from "../contracts/generated";
import {
  deployMultiparty,
  depositMultiparty,
  openMultiparty,
  toAbiCheckpoint,
  toAbiLeaf,
  type Wallet,
} from "../contracts/testing/multiparty";
import type { BenchRow } from "./types";

const PERIOD = 3600;

function row(metric: string, gas: bigint, note: string): BenchRow {
  return {
    metric,
    unit: "gas",
    ours: Number(gas),
    peer: null,
    ratio: null,
    target: "(no peer figure)",
    pass: null,
    note,
  };
}

export async function multipartyGasRows(): Promise<BenchRow[]> {
  const { network } = await import("hardhat");
  const connection = await network.create();
  const publicClient = (await connection.viem.getPublicClient()) as unknown as PublicClient;
  const f = await deployMultiparty(publicClient, (await connection.viem.getWalletClients()) as unknown as Wallet[]);
  const gasOf = async (wallet: Wallet, functionName: string, args: readonly unknown[]) =>
    (
      await f.send(
        wallet.writeContract({ address: f.contract, abi: multipartyChannelAbi, functionName, args } as never),
      )
    ).gasUsed;
  const token = f.tokens[0];
  const rows: BenchRow[] = [];
  for (const n of [2, 5, 10]) {
    const ch = await openMultiparty(f, n, { nonce: BigInt(n), bond: 1_000n, challengePeriod: PERIOD });
    const deposits = new Map<Hex, OnChainDeposit>();
    const ids: Hex[] = [];
    const depositGas: bigint[] = [];
    for (const m of ch.members) {
      const { depositId, deposit, gasUsed } = await depositMultiparty(f, ch.channelId, m, token, 1_000_000n);
      deposits.set(depositId, deposit);
      ids.push(depositId);
      depositGas.push(gasUsed);
    }
    const parts = ch.members.map((m) => new Participant(ch.config, deposits, m.privateKey));
    parts.forEach((p, i) => p.deposit(ids[i]!));
    // every message goes to everyone (repeats are ignored), so each transfer has seen all before it
    const wire: Message[] = [];
    parts.forEach((p) => wire.push(...p.takeOutbox()));
    const round = (amount: bigint) => {
      parts.forEach((p, i) => {
        p.syncWithPeers(wire);
        p.transfer(parts[(i + 1) % n]!.address, token.toLowerCase() as Address, amount);
        wire.push(...p.takeOutbox());
      });
      parts.forEach((p) => p.syncWithPeers(wire));
    };
    const coSigned = (version: bigint) => {
      const signed = parts.map((p) => p.signCheckpoint(version));
      if (new Set(signed.map((s) => JSON.stringify(toAbiCheckpoint(s.checkpoint), (_, v) => String(v)))).size !== 1)
        throw new Error("participants disagree on the checkpoint");
      return [toAbiCheckpoint(signed[0]!.checkpoint), signed.map((s) => s.signature)] as const;
    };
    round(100n);
    const propose = await gasOf(f.deployer, "proposeSettlement", coSigned(1n));
    round(50n);
    const challenge = await gasOf(ch.members[n - 1]!.wallet, "challengeSettlement", coSigned(2n));
    await connection.provider.request({ method: "evm_increaseTime", params: [PERIOD] });
    await connection.provider.request({ method: "evm_mine", params: [] });
    const finalize = await gasOf(f.deployer, "finalizeSettlement", [ch.channelId]);
    const state = parts[0]!.getCurrentState();
    const claims: bigint[] = [];
    for (const entry of state.balances) {
      const { proof } = balanceProof(state, entry.participant, entry.token);
      claims.push(await gasOf(f.deployer, "claim", [ch.channelId, toAbiLeaf(entry), proof]));
    }
    const depth = Math.ceil(Math.log2(state.balances.length));
    rows.push(
      row(
        `gas.multiparty_propose_n${n}`,
        propose,
        `${n} signatures (threshold n; each: ecrecover + a cold member read + calldata), one token total; status, version and deadline in one slot, the root in a fresh one`,
      ),
      row(
        `gas.multiparty_challenge_n${n}`,
        challenge,
        `${n} signatures, newer version, by a participant (its one challenge)`,
      ),
      row(
        `gas.multiparty_claim_n${n}`,
        claims[0]!,
        `first claim: Merkle proof of ${depth} hashes over ${state.balances.length} leaves + ERC-20 transfer; later claims ${claims.slice(1).join(", ")}`,
      ),
    );
    if (n === 2)
      rows.push(
        row(
          "gas.multiparty_deposit",
          depositGas[0]!,
          `first deposit of a token into a channel (two fresh slots: deposited, and the token's index beside paid); the next: ${depositGas[1]}`,
        ),
        row("gas.multiparty_finalize", finalize, "after the deadline, anyone"),
      );
  }
  return rows;
}
