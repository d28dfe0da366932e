/**
 * A deployed MultipartyChannel with demo tokens on any viem-reachable chain whose accounts are
 * the well-known Hardhat test accounts, channels opened over them, on-chain deposits turned into
 * core/multiparty's KnownDeposits, and the conversions from core/multiparty's values to the
 * contract's ABI (ops as header + kind + body words, witnesses, checkpoints, leaves). Shared by
 * the TS contract tests and the gas benchmark.
 */
import {
  getAddress,
  pad,
  parseEventLogs,
  toHex,
  type Address,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
} from "viem";
import { bytesToHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { HARDHAT_TEST_MNEMONIC } from "../../core/chain/hardhat-test-accounts";
import {
  OP_PRIMARY_TYPES,
  OP_TYPES,
  type BalanceEntry,
  type ChannelConfig,
  type Checkpoint,
  type ForkWitness,
  type OnChainDeposit,
  type Op,
  type OpKind,
  type SignedHead,
} from "../../core/multiparty";
import { demoTokenAbi, demoTokenBytecode, multipartyChannelAbi, multipartyChannelBytecode } from "../generated";
import type { Wallet } from "./fixture";

export type { Wallet } from "./fixture";

/** The contract's op kind numbers (MultipartyHashing.KIND_*). */
export const OP_KIND_INDEX = {
  deposit: 0,
  withdraw: 1,
  transfer: 2,
  lock: 3,
  unlock: 4,
  cancel: 5,
  fill: 6,
  mark: 7,
  liquidation: 8,
} as const satisfies Record<OpKind, number>;

/** Accounts the multi-party channels draw participants from: Hardhat's test accounts 8–19 (after the local roles). */
const PARTICIPANT_POOL = Array.from({ length: 12 }, (_, i) => {
  const account = mnemonicToAccount(HARDHAT_TEST_MNEMONIC, { addressIndex: 8 + i });
  return { address: account.address, privateKey: bytesToHex(account.getHdKey().privateKey!) };
});

export interface MultipartyDeployment {
  publicClient: PublicClient;
  deployer: Wallet;
  contract: Address;
  /** two deposit tokens, ascending */
  tokens: [Address, Address];
  bondToken: Address;
  chainId: number;
  /** sends a transaction and returns its receipt, throwing if it reverted */
  send: (hash: Promise<Hex>) => Promise<TransactionReceipt>;
  wallets: Wallet[];
}

export interface Member {
  address: Address;
  privateKey: Hex;
  wallet: Wallet;
}

export interface OpenedChannel {
  channelId: Hex;
  /** core/multiparty's config of this channel (lower-case addresses) */
  config: ChannelConfig;
  /** in participant order */
  members: Member[];
}

export interface OpenOptions {
  /** 0: all */
  threshold?: number;
  bond?: bigint;
  matcherIndex?: number;
  challengePeriod?: number;
  nonce?: bigint;
}

export async function deployMultiparty(publicClient: PublicClient, wallets: Wallet[]): Promise<MultipartyDeployment> {
  const deployer = wallets[0]!;
  const send = async (hash: Promise<Hex>) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
    if (receipt.status !== "success") throw new Error(`transaction ${receipt.transactionHash} reverted`);
    return receipt;
  };
  const deploy = async (abi: unknown, bytecode: Hex, args: readonly unknown[]) =>
    getAddress((await send(deployer.deployContract({ abi, bytecode, args } as never))).contractAddress!);
  const contract = await deploy(multipartyChannelAbi, multipartyChannelBytecode, []);
  const a = await deploy(demoTokenAbi, demoTokenBytecode, ["Demo USDC", "USDC", 6]);
  const b = await deploy(demoTokenAbi, demoTokenBytecode, ["Demo WETH", "WETH", 18]);
  const bondToken = await deploy(demoTokenAbi, demoTokenBytecode, ["Bond", "BOND", 6]);
  const tokens: [Address, Address] = a.toLowerCase() < b.toLowerCase() ? [a, b] : [b, a];
  return {
    publicClient,
    deployer,
    contract,
    tokens,
    bondToken,
    chainId: await publicClient.getChainId(),
    send,
    wallets,
  };
}

/** Opens a channel of `n` pool accounts (sorted), funds and approves them, posts every bond. */
export async function openMultiparty(
  f: MultipartyDeployment,
  n: number,
  options: OpenOptions = {},
): Promise<OpenedChannel> {
  const accounts = [...PARTICIPANT_POOL.slice(0, n)].sort((x, y) =>
    x.address.toLowerCase() < y.address.toLowerCase() ? -1 : 1,
  );
  if (accounts.length < n) throw new Error(`only ${accounts.length} pool accounts for ${n} participants`);
  const members = accounts.map((account) => {
    const wallet = f.wallets.find((w) => w.account.address.toLowerCase() === account.address.toLowerCase());
    if (!wallet) throw new Error(`no wallet client for ${account.address}`);
    return { address: account.address.toLowerCase() as Address, privateKey: account.privateKey, wallet };
  });
  const bond = options.bond ?? 0n;
  for (const m of members) {
    for (const token of [...f.tokens, f.bondToken]) {
      const balance = (await f.publicClient.readContract({
        address: token,
        abi: demoTokenAbi,
        functionName: "balanceOf",
        args: [m.address],
      })) as bigint;
      if (balance === 0n) {
        await f.send(
          f.deployer.writeContract({
            address: token,
            abi: demoTokenAbi,
            functionName: "mint",
            args: [m.address, 10n ** 30n],
          } as never),
        );
        await f.send(
          m.wallet.writeContract({
            address: token,
            abi: demoTokenAbi,
            functionName: "approve",
            args: [f.contract, 10n ** 30n],
          } as never),
        );
      }
    }
  }
  const params = {
    participants: members.map((m) => m.address),
    matcher: members[options.matcherIndex ?? 0]!.address,
    threshold: options.threshold ?? 0,
    bondToken: f.bondToken,
    bonds: members.map(() => bond),
    challengePeriod: options.challengePeriod ?? 3600,
    nonce: options.nonce ?? 1n,
  };
  const channelId = (await f.publicClient.readContract({
    address: f.contract,
    abi: multipartyChannelAbi,
    functionName: "channelIdOf",
    args: [params],
  })) as Hex;
  await f.send(
    f.deployer.writeContract({
      address: f.contract,
      abi: multipartyChannelAbi,
      functionName: "open",
      args: [params],
    } as never),
  );
  if (bond > 0n) {
    for (const m of members)
      await f.send(
        m.wallet.writeContract({
          address: f.contract,
          abi: multipartyChannelAbi,
          functionName: "postBond",
          args: [channelId],
        } as never),
      );
  }
  const config: ChannelConfig = {
    channelId,
    domain: { chainId: f.chainId, verifyingContract: f.contract.toLowerCase() as Address },
    participants: members.map((m) => m.address),
    matcher: params.matcher,
    maxOpsPerAuthor: 1 << 16,
  };
  return { channelId, config, members };
}

/** Deposits on chain as `member`; returns the id its Deposit op cites and what the fold may credit. */
export async function depositMultiparty(
  f: MultipartyDeployment,
  channelId: Hex,
  member: Member,
  token: Address,
  amount: bigint,
): Promise<{ depositId: Hex; deposit: OnChainDeposit; gasUsed: bigint }> {
  const receipt = await f.send(
    member.wallet.writeContract({
      address: f.contract,
      abi: multipartyChannelAbi,
      functionName: "deposit",
      args: [channelId, token, amount],
    } as never),
  );
  const [event] = parseEventLogs({ abi: multipartyChannelAbi, eventName: "Deposited", logs: receipt.logs });
  if (!event) throw new Error("no Deposited event");
  const { depositId, depositor, token: depositedToken, amount: credited } = event.args;
  return {
    depositId: depositId.toLowerCase() as Hex,
    deposit: {
      depositor: depositor.toLowerCase() as Address,
      token: depositedToken.toLowerCase() as Address,
      amount: credited,
    },
    gasUsed: receipt.gasUsed,
  };
}

const word = (type: string, value: unknown): Hex =>
  type === "address" || type === "bytes32"
    ? pad(value as Hex, { size: 32 })
    : toHex(BigInt(value as bigint | number), { size: 32 });

/** An op as the contract takes it: the header, the kind number and the kind's fields as words. */
export function toAbiOp(op: Op) {
  const fields = OP_TYPES[OP_PRIMARY_TYPES[op.kind]].slice(5);
  const source = op as unknown as Record<string, unknown>;
  return {
    kind: OP_KIND_INDEX[op.kind],
    channelId: op.channelId,
    author: op.author,
    seq: BigInt(op.seq),
    prev: op.prev,
    deps: [...op.deps],
    body: fields.map((field) => word(field.type, source[field.name])),
  };
}

const EMPTY_OP = {
  kind: 0,
  channelId: pad("0x0", { size: 32 }),
  author: "0x0000000000000000000000000000000000000000" as Address,
  seq: 0n,
  prev: pad("0x0", { size: 32 }),
  deps: [] as Hex[],
  body: [] as Hex[],
};

const toAbiHead = (head: Omit<SignedHead, "signature">) => ({
  channelId: head.channelId,
  author: head.author,
  seq: BigInt(head.seq),
  head: head.head,
});

/** core/multiparty's ForkWitness as the contract's. */
export function toAbiWitness(w: ForkWitness) {
  const byHead = w.signed.type === "head";
  return {
    hash: w.hash,
    byHead,
    head:
      w.signed.type === "head"
        ? toAbiHead(w.signed.head)
        : { channelId: EMPTY_OP.channelId, author: EMPTY_OP.author, seq: 0n, head: EMPTY_OP.prev },
    op: w.signed.type === "op" ? toAbiOp(w.signed.op) : EMPTY_OP,
    signature: w.signed.type === "head" ? w.signed.head.signature : w.signed.signature,
    path: w.path.map(toAbiOp),
  };
}

export { toAbiHead };

/** A checkpoint as the contract takes it (the core's shape, totals copied). */
export function toAbiCheckpoint(checkpoint: Checkpoint) {
  return { ...checkpoint, totals: checkpoint.totals.map((t) => ({ ...t })) };
}

/** A balance entry as the contract's BalanceLeaf. */
export function toAbiLeaf(entry: BalanceEntry) {
  return {
    participant: entry.participant,
    token: entry.token,
    free: entry.free,
    locked: entry.locked,
    withdrawn: entry.withdrawn,
  };
}
