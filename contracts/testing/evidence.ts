/**
 * The evidence batch as the server's anchoring loop will send it: the compact event encoding
 * (EvidenceCodec.sol, docs/PROTOCOL.md "Evidence"), the EIP-712 `Batch` the exchange signs, and an
 * Anchorer that keeps the journal's Merkle log (core/evidence) and submits batch after batch to
 * an EvidenceEntrypoint. Shared by the TS contract tests and the gas bench.
 */
import { encodePacked, getAddress, type Address, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hashToHex, MemoryNodeStore, MerkleLog } from "../../core/evidence";
import { evidenceEntrypointAbi, evidenceEntrypointBytecode } from "../generated";
import type { Wallet } from "./fixture";

export const EVIDENCE_KIND = {
  openMarket: 1,
  setProtocolAccount: 2,
  markPrice: 3,
  deposit: 4,
  withdraw: 5,
  match: 6,
  flag: 7,
  seize: 8,
} as const;

/** AssetService roles. */
export const EVIDENCE_ROLE = { fees: 0, insurance: 1, exchange: 2 } as const;

/** One token's funding of a channel as custody hashed it: (token, traderAmount + exchangeAmount). */
export interface FundingPair {
  token: Address;
  total: bigint;
}

export const evidenceEvent = {
  openMarket: (market: number, quote: Address, initialBps: number, maintenanceBps: number): Hex =>
    encodePacked(
      ["uint8", "uint8", "address", "uint16", "uint16"],
      [EVIDENCE_KIND.openMarket, market, quote, initialBps, maintenanceBps],
    ),
  setProtocolAccount: (role: number, account: Address): Hex =>
    encodePacked(["uint8", "uint8", "address"], [EVIDENCE_KIND.setProtocolAccount, role, account]),
  markPrice: (market: number, markPerLot: bigint): Hex =>
    encodePacked(["uint8", "uint8", "uint128"], [EVIDENCE_KIND.markPrice, market, markPerLot]),
  deposit: (account: Address, token: Address, amount: bigint, channelId: Hex, funding: readonly FundingPair[]): Hex =>
    encodePacked(
      ["uint8", "address", "address", "uint128", "bytes32", "uint8", ...funding.flatMap(() => ["address", "uint128"])],
      [
        EVIDENCE_KIND.deposit,
        account,
        token,
        amount,
        channelId,
        funding.length,
        ...funding.flatMap((p) => [p.token, p.total]),
      ] as never,
    ),
  withdraw: (account: Address, token: Address, amount: bigint, channelId: Hex): Hex =>
    encodePacked(
      ["uint8", "address", "address", "uint128", "bytes32"],
      [EVIDENCE_KIND.withdraw, account, token, amount, channelId],
    ),
  match: (
    account: Address,
    market: number,
    m: { lots: bigint; cost: bigint; realizedPnl: bigint; fee: bigint; funding: bigint },
  ): Hex =>
    encodePacked(
      ["uint8", "address", "uint8", "int64", "int128", "int128", "int128", "int128"],
      [EVIDENCE_KIND.match, account, market, m.lots, m.cost, m.realizedPnl, m.fee, m.funding],
    ),
  flag: (account: Address, quote: Address): Hex =>
    encodePacked(["uint8", "address", "address"], [EVIDENCE_KIND.flag, account, quote]),
  seize: (account: Address, token: Address, amount: bigint, role: number, release: boolean): Hex =>
    encodePacked(
      ["uint8", "address", "address", "uint128", "uint8", "uint8"],
      [EVIDENCE_KIND.seize, account, token, amount, role, release ? 1 : 0],
    ),
};

/** Concatenates encoded events into one batch's `events` bytes. */
export function concatEvents(events: readonly Hex[]): Hex {
  return `0x${events.map((e) => e.slice(2)).join("")}`;
}

export interface BatchHead {
  batchId: bigint;
  prevSize: bigint;
  prevRoot: Hex;
  newSize: bigint;
  newRoot: Hex;
}

export const EVIDENCE_DOMAIN_NAME = "Clearline Evidence";
export const EVIDENCE_DOMAIN_VERSION = "1";

export const BATCH_TYPES = {
  Batch: [
    { name: "batchId", type: "uint64" },
    { name: "prevSize", type: "uint64" },
    { name: "prevRoot", type: "bytes32" },
    { name: "newSize", type: "uint64" },
    { name: "newRoot", type: "bytes32" },
    { name: "events", type: "bytes" },
  ],
} as const;

/** The typed data the exchange signs for a batch (viem's signTypedData / hashTypedData). */
export function batchTypedData(chainId: number, entrypoint: Address, head: BatchHead, events: Hex) {
  return {
    domain: { name: EVIDENCE_DOMAIN_NAME, version: EVIDENCE_DOMAIN_VERSION, chainId, verifyingContract: entrypoint },
    types: BATCH_TYPES,
    primaryType: "Batch" as const,
    message: { ...head, events },
  };
}

/** Deploys an EvidenceEntrypoint over `custody` (its exchange becomes the batch signer). */
export async function deployEvidence(publicClient: PublicClient, deployer: Wallet, custody: Address): Promise<Address> {
  const hash = await deployer.deployContract({
    abi: evidenceEntrypointAbi,
    bytecode: evidenceEntrypointBytecode,
    args: [custody],
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error("EvidenceEntrypoint deployment reverted");
  return getAddress(receipt.contractAddress!);
}

/**
 * The exchange's side of anchoring: the journal's Merkle log, the next batch id, and `anchor`,
 * which appends a batch's journal entries, signs the new head with the events and submits it.
 */
export class Anchorer {
  readonly log = MerkleLog.open(new MemoryNodeStore());
  batchCount = 0n;

  constructor(
    private readonly publicClient: PublicClient,
    private readonly sender: Wallet,
    readonly entrypoint: Address,
    private readonly exchangeKey: Hex,
    private readonly chainId: number,
  ) {}

  /**
   * The head and proof of the next batch over `entries` (journal leaf bytes), signed over `events`.
   * Appends the entries to the log: a batch that then reverts leaves the log ahead of the chain.
   */
  async prepare(entries: readonly Uint8Array[], events: Hex) {
    const prevSize = this.log.size;
    const prevRoot = hashToHex(this.log.root());
    for (const entry of entries) this.log.appendEntry(entry);
    const head: BatchHead = {
      batchId: this.batchCount + 1n,
      prevSize: BigInt(prevSize),
      prevRoot,
      newSize: BigInt(this.log.size),
      newRoot: hashToHex(this.log.root()),
    };
    const proof = this.log.consistencyProof(prevSize).map(hashToHex);
    const signature = await privateKeyToAccount(this.exchangeKey).signTypedData(
      batchTypedData(this.chainId, this.entrypoint, head, events),
    );
    return { head, proof, signature };
  }

  /** Anchors the next batch; answers the receipt (throws if it reverted). */
  async anchor(entries: readonly Uint8Array[], events: Hex) {
    const { head, proof, signature } = await this.prepare(entries, events);
    const hash = await this.sender.writeContract({
      address: this.entrypoint,
      abi: evidenceEntrypointAbi,
      functionName: "anchor",
      args: [head, proof, events, signature],
    });
    const receipt = await this.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`batch ${head.batchId} reverted`);
    this.batchCount = head.batchId;
    return receipt;
  }
}
