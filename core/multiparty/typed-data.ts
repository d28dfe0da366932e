/**
 * THE EIP-712 encoding of the multi-party channel: one struct type per op kind (all sharing
 * the header channelId, author, seq, prev, deps), the signed head, and the checkpoint. A
 * wallet signs these with signTypedData and shows every field; a contract mirrors them.
 */
import type { Hex } from "viem";
import type { MultipartyDomain, Op, OpKind, SignedHead } from "./types";

export const MULTIPARTY_DOMAIN_NAME = "Clearline Multiparty";
export const MULTIPARTY_DOMAIN_VERSION = "1";

/** One EIP-712 field as viem and wallets take it. */
export interface TypedField {
  readonly name: string;
  readonly type: string;
}
export type TypedTypes = Readonly<Record<string, readonly TypedField[]>>;

const HEADER = [
  { name: "channelId", type: "bytes32" },
  { name: "author", type: "address" },
  { name: "seq", type: "uint64" },
  { name: "prev", type: "bytes32" },
  { name: "deps", type: "bytes32[]" },
] as const;

/** The EIP-712 primary type of each op kind. */
export const OP_PRIMARY_TYPES = {
  deposit: "Deposit",
  withdraw: "Withdraw",
  transfer: "Transfer",
  lock: "Lock",
  unlock: "Unlock",
  cancel: "CancelRequest",
  fill: "Fill",
  mark: "Mark",
  liquidation: "LiquidationRequest",
} as const satisfies Record<OpKind, string>;

/** Every op type: the header, then the kind's own fields (in this order). */
export const OP_TYPES = {
  Deposit: [
    ...HEADER,
    { name: "token", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "depositId", type: "bytes32" },
  ],
  Withdraw: [...HEADER, { name: "token", type: "address" }, { name: "amount", type: "uint256" }],
  Transfer: [
    ...HEADER,
    { name: "to", type: "address" },
    { name: "token", type: "address" },
    { name: "amount", type: "uint256" },
  ],
  Lock: [
    ...HEADER,
    { name: "token", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "matcher", type: "address" },
  ],
  Unlock: [...HEADER, { name: "lock", type: "bytes32" }, { name: "amount", type: "uint256" }],
  CancelRequest: [...HEADER, { name: "lock", type: "bytes32" }],
  Fill: [
    ...HEADER,
    { name: "makerLock", type: "bytes32" },
    { name: "takerLock", type: "bytes32" },
    { name: "makerAmount", type: "uint256" },
    { name: "takerAmount", type: "uint256" },
  ],
  Mark: [...HEADER, { name: "market", type: "bytes32" }, { name: "priceE8", type: "uint256" }],
  LiquidationRequest: [
    ...HEADER,
    { name: "account", type: "address" },
    { name: "market", type: "bytes32" },
    { name: "mark", type: "bytes32" },
  ],
} as const;

/** A signature over this covers the author's op `head` at `seq` and its whole prev chain. */
export const HEAD_TYPES = {
  Head: [
    { name: "channelId", type: "bytes32" },
    { name: "author", type: "address" },
    { name: "seq", type: "uint64" },
    { name: "head", type: "bytes32" },
  ],
} as const;

/** The checkpoint participants co-sign for settlement (see checkpoint.ts for each root). */
export const CHECKPOINT_TYPES = {
  Checkpoint: [
    { name: "channelId", type: "bytes32" },
    { name: "version", type: "uint64" },
    { name: "headsHash", type: "bytes32" },
    { name: "balancesRoot", type: "bytes32" },
    { name: "opsRoot", type: "bytes32" },
    { name: "totals", type: "TokenTotal[]" },
  ],
  TokenTotal: [
    { name: "token", type: "address" },
    { name: "deposited", type: "uint256" },
    { name: "withdrawn", type: "uint256" },
  ],
} as const;

/** EIP-712's own domain type, as the domain separator hashes it. */
export const DOMAIN_TYPES = {
  EIP712Domain: [
    { name: "name", type: "string" },
    { name: "version", type: "string" },
    { name: "chainId", type: "uint256" },
    { name: "verifyingContract", type: "address" },
  ],
} as const;

/** The domain as viem / wallets take it. */
export function multipartyTypedDataDomain(domain: MultipartyDomain) {
  return {
    name: MULTIPARTY_DOMAIN_NAME,
    version: MULTIPARTY_DOMAIN_VERSION,
    chainId: domain.chainId,
    verifyingContract: domain.verifyingContract,
  } as const;
}

/** An op as its EIP-712 message: the header and the kind's fields, seq as a bigint, no `kind`. */
export function opMessage(op: Op): Record<string, Hex | bigint | readonly Hex[]> {
  const fields = OP_TYPES[OP_PRIMARY_TYPES[op.kind]];
  const message: Record<string, Hex | bigint | readonly Hex[]> = {};
  const source = op as unknown as Record<string, Hex | bigint | number | readonly Hex[]>;
  for (const field of fields) {
    const value = source[field.name]!;
    message[field.name] = typeof value === "number" ? BigInt(value) : value;
  }
  return message;
}

/** The full typed-data request for an op: pass to viem `signTypedData`. */
export function opTypedData(domain: MultipartyDomain, op: Op) {
  const primaryType = OP_PRIMARY_TYPES[op.kind];
  return {
    domain: multipartyTypedDataDomain(domain),
    types: { [primaryType]: OP_TYPES[primaryType] } as TypedTypes,
    primaryType,
    message: opMessage(op),
  };
}

/** The typed-data request for a head (signature field left out). */
export function headTypedData(domain: MultipartyDomain, head: Omit<SignedHead, "signature">) {
  return {
    domain: multipartyTypedDataDomain(domain),
    types: HEAD_TYPES,
    primaryType: "Head",
    message: { channelId: head.channelId, author: head.author, seq: BigInt(head.seq), head: head.head },
  } as const;
}
