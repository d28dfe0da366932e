/**
 * The checkpoint participants co-sign for settlement, and the encodings a contract checks:
 *   balance leaf  = keccak256(keccak256(abi.encode(bytes32 channelId, address participant,
 *                   address token, uint256 free, uint256 locked, uint256 withdrawn)))
 *   balancesRoot  = merkle.ts root over the leaves of state.balances, sorted by (participant, token)
 *   op leaf       = keccak256(keccak256(abi.encode(bytes32 opHash))), opHash the op's EIP-712 struct hash
 *   opsRoot       = root over the op leaves of every op the fold evaluated, by participant then seq
 *   headsHash     = keccak256(abi.encode(address author, uint64 count, bytes32 head) for each
 *                   participant in ascending order, concatenated)
 *   totals        = per token (ascending): deposited by valid deposit ops, withdrawn by valid withdraws
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Address, Hex } from "viem";
import { bytesToHex, writeHex, writeUint256 } from "../channel/bytes";
import { signDigest, verifyDigestSignature } from "../channel/signature";
import { hashStructBytes, multipartyDigest } from "./encode";
import { refuse } from "./errors";
import { doubleHashLeaf, merkleProof, merkleRoot, verifyMerkleProof } from "./merkle";
import type { BalanceEntry, ChainHead, MultipartyState, TokenTotal } from "./state";
import { CHECKPOINT_TYPES, multipartyTypedDataDomain } from "./typed-data";
import type { MultipartyDomain } from "./types";

export interface Checkpoint {
  channelId: Hex;
  /** chosen by the proposer; the contract takes only a newer one in a challenge */
  version: bigint;
  headsHash: Hex;
  balancesRoot: Hex;
  opsRoot: Hex;
  totals: TokenTotal[];
}

function words(count: number): Uint8Array {
  return new Uint8Array(32 * count);
}

/** The Merkle leaf of one balance entry of channel `channelId`. */
export function balanceLeaf(channelId: Hex, entry: BalanceEntry): Hex {
  const buf = words(6);
  writeHex(buf, 0, channelId, 32);
  writeHex(buf, 32, entry.participant, 32);
  writeHex(buf, 64, entry.token, 32);
  writeUint256(buf, 96, entry.free);
  writeUint256(buf, 128, entry.locked);
  writeUint256(buf, 160, entry.withdrawn);
  return doubleHashLeaf(buf);
}

/** The Merkle leaf of one op hash. */
export function opLeaf(opHash: Hex): Hex {
  const buf = words(1);
  writeHex(buf, 0, opHash, 32);
  return doubleHashLeaf(buf);
}

/** keccak256 over (author, count, head) of every participant's chain, in participant order. */
export function headsHash(heads: readonly ChainHead[]): Hex {
  const buf = words(3 * heads.length);
  heads.forEach((h, i) => {
    writeHex(buf, 96 * i, h.author, 32);
    writeUint256(buf, 96 * i + 32, BigInt(h.count));
    writeHex(buf, 96 * i + 64, h.head, 32);
  });
  return bytesToHex(keccak_256(buf));
}

/** The checkpoint of `state` at `version`. */
export function checkpointOf(state: MultipartyState, version: bigint): Checkpoint {
  if (version < 0n || version >= 1n << 64n) refuse("MULTIPARTY_MALFORMED", "version must be a uint64", { version });
  return {
    channelId: state.channelId,
    version,
    headsHash: headsHash(state.heads),
    balancesRoot: merkleRoot(state.balances.map((b) => balanceLeaf(state.channelId, b))),
    opsRoot: merkleRoot(state.evaluated.map(opLeaf)),
    totals: state.totals.map((t) => ({ ...t })),
  };
}

/** The digest each participant signs for `checkpoint`. */
export function checkpointDigest(domain: MultipartyDomain, checkpoint: Checkpoint): Uint8Array {
  return multipartyDigest(domain, hashStructBytes("Checkpoint", { ...checkpoint }));
}

/** The typed-data request for a checkpoint: pass to viem `signTypedData`. */
export function checkpointTypedData(domain: MultipartyDomain, checkpoint: Checkpoint) {
  return {
    domain: multipartyTypedDataDomain(domain),
    types: CHECKPOINT_TYPES,
    primaryType: "Checkpoint",
    message: checkpoint,
  } as const;
}

/** Signs a checkpoint as one participant. */
export function signCheckpoint(domain: MultipartyDomain, checkpoint: Checkpoint, privateKey: Hex): Hex {
  return signDigest(checkpointDigest(domain, checkpoint), privateKey);
}

/** True when `signature` over the checkpoint is `signer`'s (EOA, strict rules). */
export function verifyCheckpointSignature(
  domain: MultipartyDomain,
  checkpoint: Checkpoint,
  signature: Hex,
  signer: Address,
): boolean {
  return verifyDigestSignature(checkpointDigest(domain, checkpoint), signature, signer);
}

/** A participant's balance entry, its leaf and the proof against the state's balances root. */
export function balanceProof(state: MultipartyState, participant: Address, token: Address) {
  const p = participant.toLowerCase();
  const t = token.toLowerCase();
  const index = state.balances.findIndex((b) => b.participant === p && b.token === t);
  if (index < 0) refuse("MULTIPARTY_NO_SUCH_LEAF", `no balance of ${t} for ${p}`, { participant: p, token: t });
  const leaves = state.balances.map((b) => balanceLeaf(state.channelId, b));
  return { entry: state.balances[index]!, leaf: leaves[index]!, proof: merkleProof(leaves, index) };
}

/** What a contract's claim checks: the entry's leaf is under `balancesRoot` by `proof`. */
export function verifyBalanceProof(
  balancesRoot: Hex,
  channelId: Hex,
  entry: BalanceEntry,
  proof: readonly Hex[],
): boolean {
  return verifyMerkleProof(balancesRoot, balanceLeaf(channelId, entry), proof);
}
