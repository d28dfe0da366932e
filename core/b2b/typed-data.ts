/**
 * THE EIP-712 typed data of the broker-to-broker wire: the domain ("Clearline B2B", "1",
 * chainId — no verifying contract: the messages go between nodes, not to a contract), the
 * envelope every RPC travels in and the entries of a node's log. Hashed here with type hashes
 * computed once; equal to viem's hashTypedData (typed-data.test.ts), so a wallet or an HSM can
 * sign the same digest.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Address, Hex } from "viem";
import { writeHex, writeUint256 } from "../channel/bytes";

export const B2B_DOMAIN_NAME = "Clearline B2B";
export const B2B_DOMAIN_VERSION = "1";

export const B2B_TYPES = {
  Envelope: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "seq", type: "uint64" },
    { name: "kind", type: "uint8" },
    { name: "sentAtMs", type: "uint64" },
    { name: "bodyHash", type: "bytes32" },
  ],
  LogEntry: [
    { name: "owner", type: "address" },
    { name: "index", type: "uint64" },
    { name: "prevHash", type: "bytes32" },
    { name: "direction", type: "uint8" },
    { name: "envelopeHash", type: "bytes32" },
    { name: "envelopeSignatureHash", type: "bytes32" },
  ],
} as const;

/** The message of an Envelope as EIP-712 takes it. */
export interface EnvelopeMessage {
  from: Address;
  to: Address;
  seq: bigint;
  kind: number;
  sentAtMs: bigint;
  bodyHash: Hex;
}

/** The message of a LogEntry as EIP-712 takes it (direction: 0 sent, 1 received). */
export interface LogEntryMessage {
  owner: Address;
  index: bigint;
  prevHash: Hex;
  direction: number;
  envelopeHash: Hex;
  envelopeSignatureHash: Hex;
}

type PrimaryType = keyof typeof B2B_TYPES;
const utf8 = new TextEncoder();
const typeString = (name: PrimaryType) => `${name}(${B2B_TYPES[name].map((f) => `${f.type} ${f.name}`).join(",")})`;
const TYPE_HASH: Record<PrimaryType, Uint8Array> = {
  Envelope: keccak_256(utf8.encode(typeString("Envelope"))),
  LogEntry: keccak_256(utf8.encode(typeString("LogEntry"))),
};
const DOMAIN_TYPEHASH = keccak_256(utf8.encode("EIP712Domain(string name,string version,uint256 chainId)"));
const NAME_HASH = keccak_256(utf8.encode(B2B_DOMAIN_NAME));
const VERSION_HASH = keccak_256(utf8.encode(B2B_DOMAIN_VERSION));

/** The domain as viem / wallets take it. */
export function b2bTypedDataDomain(chainId: bigint) {
  return { name: B2B_DOMAIN_NAME, version: B2B_DOMAIN_VERSION, chainId } as const;
}

function domainSeparator(chainId: bigint): Uint8Array {
  const buf = new Uint8Array(128);
  buf.set(DOMAIN_TYPEHASH, 0);
  buf.set(NAME_HASH, 32);
  buf.set(VERSION_HASH, 64);
  writeUint256(buf, 96, chainId);
  return keccak_256(buf);
}

function digest(chainId: bigint, primary: PrimaryType, message: Readonly<Record<string, unknown>>): Uint8Array {
  const fields = B2B_TYPES[primary];
  const struct = new Uint8Array(32 * (fields.length + 1));
  struct.set(TYPE_HASH[primary], 0);
  fields.forEach((field, i) => {
    const value = message[field.name];
    if (field.type === "address" || field.type === "bytes32") writeHex(struct, 32 * (i + 1), value as string, 32);
    else writeUint256(struct, 32 * (i + 1), BigInt(value as bigint | number));
  });
  const buf = new Uint8Array(66);
  buf[0] = 0x19;
  buf[1] = 0x01;
  buf.set(domainSeparator(chainId), 2);
  buf.set(keccak_256(struct), 34);
  return keccak_256(buf);
}

/** The EIP-712 digest of an envelope on `chainId`: what its sender signs. */
export function envelopeDigest(chainId: bigint, message: EnvelopeMessage): Uint8Array {
  return digest(chainId, "Envelope", message as unknown as Readonly<Record<string, unknown>>);
}

/** The EIP-712 digest of a log entry on `chainId`: its entryHash, what the log owner signs. */
export function logEntryDigest(chainId: bigint, message: LogEntryMessage): Uint8Array {
  return digest(chainId, "LogEntry", message as unknown as Readonly<Record<string, unknown>>);
}
