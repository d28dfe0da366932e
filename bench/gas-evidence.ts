/**
 * Gas of on-chain evidence (contracts/src/evidence): one anchored batch as a function of its
 * size and event mix, next to the peer measured in the same run — OzMerkleAnchor, the anchor one
 * would build on OpenZeppelin's MerkleProof (same signature and sequence, one root per batch, no
 * consistency proof, no event execution) — and an inclusion proof verified on-chain by each.
 * The journal already holds ~100k entries, so consistency proofs have their realistic length.
 */
import { getAddress, keccak256, toHex, type Abi, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { channelId, Intent, signState, toAbiState, type ChannelState } from "../core/channel";
import { HARDHAT_TEST_ACCOUNTS, LOCAL_ROLES } from "../core/chain/hardhat-test-accounts";
import { hashToHex, journalLeafBytes } from "../core/evidence";
import { custodyAbi } from "../contracts/generated";
import { Anchorer, concatEvents, deployEvidence, EVIDENCE_ROLE, evidenceEvent } from "../contracts/testing/evidence";
import { deployFixture, EXCHANGE, type Wallet } from "../contracts/testing/fixture";
import type { BenchRow } from "./types";

/** The brief's bar: anchoring and routing a batch, without the events' own work. */
const OVERHEAD_TARGET = 80_000;
const PREFILL = 100_003;
const MARKETS = 100;
const PAIRS = 50; // 100 accounts with open positions
const FUNDING = 10n ** 12n;

const account = (i: number) => getAddress(`0x${(0xacc0000 + i).toString(16).padStart(40, "0")}`);

export async function evidenceGasRows(): Promise<BenchRow[]> {
  const { network, artifacts } = await import("hardhat");
  const connection = await network.create();
  const publicClient = (await connection.viem.getPublicClient()) as unknown as PublicClient;
  const f = await deployFixture(publicClient, (await connection.viem.getWalletClients()) as unknown as Wallet[]);
  const chainId = await publicClient.getChainId();
  const traders = LOCAL_ROLES.traders.slice(0, 2).map((i) => HARDHAT_TEST_ACCOUNTS[i]!);
  const channels: Hex[] = [];
  for (const trader of traders) {
    const id = channelId({
      chainId,
      custody: f.custody,
      trader: trader.address,
      exchange: EXCHANGE.address,
      nonce: 1n,
    });
    const state: ChannelState = {
      channelId: id,
      version: 0n,
      intent: Intent.INITIALIZE,
      allocations: [{ token: f.usdc, traderAmount: FUNDING, exchangeAmount: 0n }],
      appDataHash: `0x${"00".repeat(32)}`,
    };
    const sigs = {
      trader: signState(f.domain, state, trader.privateKey),
      exchange: signState(f.domain, state, EXCHANGE.privateKey),
    };
    await f.send(
      f.wallets.exchange.writeContract({
        address: f.custody,
        abi: custodyAbi,
        functionName: "depositAndOpen",
        args: [trader.address, 1n, toAbiState(state), sigs],
      } as never),
    );
    channels.push(id);
  }
  const entrypoint = await deployEvidence(publicClient, f.wallets.deployer, f.custody);
  const anchorer = new Anchorer(publicClient, f.wallets.other, entrypoint, EXCHANGE.privateKey, chainId);
  let seq = 0n;
  const entries = (n: number) =>
    Array.from({ length: Math.max(n, 1) }, () => journalLeafBytes(++seq, new TextEncoder().encode(`entry ${seq}`)));
  const anchor = async (events: Hex[], entryCount = events.length) =>
    (await anchorer.anchor(entries(entryCount), concatEvents(events))).gasUsed;

  // setup: markets, the fee account, deposits, then positions for every account
  await anchor(
    [
      ...Array.from({ length: MARKETS }, (_, m) => evidenceEvent.openMarket(m, f.usdc, 1_000, 500)),
      ...Array.from({ length: MARKETS }, (_, m) => evidenceEvent.markPrice(m, 3_000_000n)),
      evidenceEvent.setProtocolAccount(EVIDENCE_ROLE.fees, account(9_999)),
      ...traders.map((t, i) =>
        evidenceEvent.deposit(t.address, f.usdc, 10n ** 10n, channels[i]!, [{ token: f.usdc, total: FUNDING }]),
      ),
    ],
    PREFILL,
  );
  const matches = (pairs: number, fee: bigint) =>
    Array.from({ length: pairs }, (_, i) => [
      evidenceEvent.match(account(2 * i), 0, { lots: 1n, cost: 3_000_000n, realizedPnl: 0n, fee, funding: 0n }),
      evidenceEvent.match(account(2 * i + 1), 0, { lots: -1n, cost: -3_000_000n, realizedPnl: 0n, fee, funding: 0n }),
    ]).flat();
  await anchor(matches(PAIRS, 1_500n));
  let mark = 3_000_000n;
  const marks = (n: number) => Array.from({ length: n }, (_, m) => evidenceEvent.markPrice(m, (mark += 10n)));
  /** per 10: 6 matches, 2 marks, a deposit, a withdrawal */
  const mixed = (n: number) =>
    Array.from({ length: n / 10 }, (_, i) => [
      ...matches(3, 1_500n).map((_, j) =>
        evidenceEvent.match(account((6 * i + j) % (2 * PAIRS)), 0, {
          lots: j % 2 === 0 ? 1n : -1n,
          cost: j % 2 === 0 ? 3_000_000n : -3_000_000n,
          realizedPnl: 0n,
          fee: 1_500n,
          funding: 0n,
        }),
      ),
      ...marks(2),
      evidenceEvent.deposit(traders[0]!.address, f.usdc, 1_000_000n, channels[0]!, [{ token: f.usdc, total: FUNDING }]),
      evidenceEvent.withdraw(traders[1]!.address, f.usdc, 1_000_000n, channels[1]!),
    ]).flat();

  const empty = await anchor([], 10);
  const measured: { name: string; events: Hex[]; gas: bigint }[] = [];
  for (const [name, events] of [
    ["1_mark", marks(1)],
    ["10_marks", marks(10)],
    ["100_marks", marks(100)],
    ["2_matches", matches(1, 1_500n)],
    ["10_matches", matches(5, 1_500n)],
    ["100_matches", matches(50, 1_500n)],
    ["10_mixed", mixed(10)],
    ["100_mixed", mixed(100)],
  ] as const) {
    measured.push({ name, events: [...events], gas: await anchor([...events]) });
  }
  const proofLength = anchorer.log.consistencyProof(anchorer.log.size - 100).length;

  // the peer, same chain: OpenZeppelin MerkleProof-based anchor over the same event bytes
  const oz = await artifacts.readArtifact("OzMerkleAnchor");
  const ozAbi = oz.abi as Abi;
  const deployHash = await f.wallets.deployer.deployContract({
    abi: ozAbi,
    bytecode: oz.bytecode as Hex,
    args: [EXCHANGE.address],
  } as never);
  const ozAddress = getAddress((await publicClient.waitForTransactionReceipt({ hash: deployHash })).contractAddress!);
  const signer = privateKeyToAccount(EXCHANGE.privateKey);
  let ozBatch = 0n;
  const ozAnchor = async (events: Hex[], root: Hex = keccak256(toHex(`root ${ozBatch}`))) => {
    const bytes = concatEvents(events);
    const batchId = ++ozBatch;
    const digest = (await publicClient.readContract({
      address: ozAddress,
      abi: ozAbi,
      functionName: "hashBatch",
      args: [batchId, root, bytes],
    })) as Hex;
    const signature = await signer.sign({ hash: digest });
    return f.send(
      f.wallets.other.writeContract({
        address: ozAddress,
        abi: ozAbi,
        functionName: "anchor",
        args: [batchId, root, bytes, signature],
      } as never),
    );
  };
  // a sorted-pair tree path of the same depth as ours, its root anchored first
  const depth = anchorer.log.inclusionProof(12_345).length;
  const ozLeaf = keccak256(toHex("leaf"));
  const ozProof = Array.from({ length: depth }, (_, i) => keccak256(toHex(`sibling ${i}`)));
  const ozRoot = ozProof.reduce(
    (h, s) => (h < s ? keccak256(`${h}${s.slice(2)}`) : keccak256(`${s}${h.slice(2)}`)),
    ozLeaf,
  );
  await ozAnchor([], ozRoot);
  const ozEmpty = (await ozAnchor([])).gasUsed;
  const ozGas = new Map<string, bigint>();
  for (const m of measured) ozGas.set(m.name, (await ozAnchor(m.events)).gasUsed);
  const ozInclusion = (
    await f.send(
      f.wallets.other.writeContract({
        address: ozAddress,
        abi: ozAbi,
        functionName: "measureInclusion",
        args: [1n, ozLeaf, ozProof],
      } as never),
    )
  ).gasUsed;
  const harness = await connection.viem.deployContract("EvidenceMerkleHarness");
  const size = anchorer.log.size;
  const ourInclusion = (
    await f.send(
      f.wallets.other.writeContract({
        address: harness.address,
        abi: harness.abi,
        functionName: "measureInclusion",
        args: [
          hashToHex(anchorer.log.leafHashAt(12_345)),
          12_345n,
          BigInt(size),
          hashToHex(anchorer.log.root()),
          anchorer.log.inclusionProof(12_345).map(hashToHex),
        ],
      } as never),
    )
  ).gasUsed;

  const rowOf = (metric: string, ours: bigint, peer: bigint, note: string, target?: number): BenchRow => ({
    metric,
    unit: "gas",
    ours: Number(ours),
    peer: Number(peer),
    ratio: Number(peer) / Number(ours),
    target: target === undefined ? "(info; peer executes no events)" : `<= ${target.toLocaleString("en-US")}`,
    pass: target === undefined ? null : Number(ours) <= target,
    note,
  });
  return [
    rowOf(
      "gas.evidence_anchor_overhead",
      empty,
      ozEmpty,
      `a batch of 10 journal entries and no events: EIP-712 signature, sequence and stored-head checks, ` +
        `an on-chain consistency proof of ${proofLength} hashes over a ${size.toLocaleString("en-US")}-entry log, ` +
        `one root slot, routing loop; OZ peer: signature, sequence, one root, no consistency proof`,
      OVERHEAD_TARGET,
    ),
    ...measured.map((m) =>
      rowOf(
        `gas.evidence_batch_${m.name}`,
        m.gas,
        ozGas.get(m.name)!,
        `${m.events.length} events, ${m.events.reduce((n, e) => n + (e.length - 2) / 2, 0).toLocaleString("en-US")} bytes; ` +
          `${((m.gas - empty) / BigInt(m.events.length)).toLocaleString("en-US")} gas per event above the overhead` +
          (m.name.includes("matches") ? " (accounts with open positions: warm-to-warm slot updates)" : ""),
      ),
    ),
    rowOf(
      "gas.evidence_inclusion_verify",
      ourInclusion,
      ozInclusion,
      `one ${depth}-hash RFC 9162 inclusion proof (index and size bound) vs OpenZeppelin MerkleProof.verifyCalldata ` +
        `of the same depth (membership only), each as a transaction`,
      Number(ozInclusion) * 1.5,
    ),
  ];
}
