/**
 * EIP-712 struct hashing for the types of typed-data.ts: type hashes computed once per type,
 * keccak from @noble/hashes. Equal to viem's hashStruct / hashTypedData (typed-data.test.ts).
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Hex } from "viem";
import { bytesToHex, writeHex, writeUint256 } from "../channel/bytes";
import {
  CHECKPOINT_TYPES,
  DOMAIN_TYPES,
  HEAD_TYPES,
  MULTIPARTY_DOMAIN_NAME,
  MULTIPARTY_DOMAIN_VERSION,
  OP_PRIMARY_TYPES,
  OP_TYPES,
  opMessage,
  type TypedTypes,
} from "./typed-data";
import type { MultipartyDomain, Op, SignedHead } from "./types";

const utf8 = new TextEncoder();
const ALL_TYPES: TypedTypes = { ...OP_TYPES, ...HEAD_TYPES, ...CHECKPOINT_TYPES, ...DOMAIN_TYPES };

function structName(type: string): string | undefined {
  const base = type.endsWith("[]") ? type.slice(0, -2) : type;
  return base in ALL_TYPES ? base : undefined;
}

/** EIP-712 encodeType: the primary type, then the types it references, sorted by name. */
export function encodeType(primaryType: string): string {
  const found = new Set<string>();
  const visit = (name: string) => {
    if (found.has(name)) return;
    found.add(name);
    for (const field of ALL_TYPES[name]!) {
      const ref = structName(field.type);
      if (ref) visit(ref);
    }
  };
  visit(primaryType);
  const [first, ...rest] = [primaryType, ...[...found].filter((n) => n !== primaryType).sort()];
  return [first!, ...rest]
    .map((name) => `${name}(${ALL_TYPES[name]!.map((f) => `${f.type} ${f.name}`).join(",")})`)
    .join("");
}

const typeHashes = new Map<string, Uint8Array>();
function typeHash(primaryType: string): Uint8Array {
  let hash = typeHashes.get(primaryType);
  if (!hash) {
    hash = keccak_256(utf8.encode(encodeType(primaryType)));
    typeHashes.set(primaryType, hash);
  }
  return hash;
}

type Value = Hex | bigint | number | string | readonly unknown[] | Readonly<Record<string, unknown>>;

function encodeField(out: Uint8Array, at: number, type: string, value: Value): void {
  const ref = structName(type);
  if (type.endsWith("[]")) {
    const items = value as readonly Value[];
    const words = new Uint8Array(32 * items.length);
    const itemType = type.slice(0, -2);
    items.forEach((item, i) => encodeField(words, 32 * i, itemType, item));
    out.set(keccak_256(words), at);
  } else if (ref) {
    out.set(hashStructBytes(ref, value as Readonly<Record<string, Value>>), at);
  } else if (type === "string") {
    out.set(keccak_256(utf8.encode(value as string)), at);
  } else if (type === "address" || type === "bytes32") {
    writeHex(out, at, value as string, 32);
  } else if (type.startsWith("uint")) {
    const bits = BigInt(type.slice(4));
    const n = BigInt(value as bigint | number);
    if (n < 0n || n >> bits !== 0n) throw new RangeError(`${n} is not a ${type}`);
    writeUint256(out, at, n);
  } else {
    throw new TypeError(`unsupported EIP-712 type ${type}`);
  }
}

/** The EIP-712 struct hash of `message` as `primaryType` (bytes). */
export function hashStructBytes(primaryType: string, message: Readonly<Record<string, Value>>): Uint8Array {
  const fields = ALL_TYPES[primaryType];
  if (!fields) throw new TypeError(`unknown EIP-712 type ${primaryType}`);
  const buf = new Uint8Array(32 * (fields.length + 1));
  buf.set(typeHash(primaryType), 0);
  fields.forEach((field, i) => encodeField(buf, 32 * (i + 1), field.type, message[field.name] as Value));
  return keccak_256(buf);
}

const separators = new Map<string, Uint8Array>();
/** The domain separator of the multi-party contract at `domain` (cached). */
export function multipartyDomainSeparator(domain: MultipartyDomain): Uint8Array {
  const key = `${domain.chainId}:${domain.verifyingContract.toLowerCase()}`;
  let separator = separators.get(key);
  if (!separator) {
    separator = hashStructBytes("EIP712Domain", {
      name: MULTIPARTY_DOMAIN_NAME,
      version: MULTIPARTY_DOMAIN_VERSION,
      chainId: BigInt(domain.chainId),
      verifyingContract: domain.verifyingContract,
    });
    separators.set(key, separator);
  }
  return separator;
}

/** keccak256(0x1901 ‖ domainSeparator ‖ structHash): what a participant signs. */
export function multipartyDigest(domain: MultipartyDomain, structHash: Uint8Array): Uint8Array {
  const buf = new Uint8Array(66);
  buf[0] = 0x19;
  buf[1] = 0x01;
  buf.set(multipartyDomainSeparator(domain), 2);
  buf.set(structHash, 34);
  return keccak_256(buf);
}

/** An op's id: its EIP-712 struct hash (what `prev`, `deps` and lock references name). */
export function hashOp(op: Op): Hex {
  return bytesToHex(hashStructBytes(OP_PRIMARY_TYPES[op.kind], opMessage(op)));
}

/** The digest an author signs for one op. */
export function opDigest(domain: MultipartyDomain, op: Op): Uint8Array {
  return multipartyDigest(domain, hashStructBytes(OP_PRIMARY_TYPES[op.kind], opMessage(op)));
}

/** The digest an author signs for a head. */
export function headDigest(domain: MultipartyDomain, head: Omit<SignedHead, "signature">): Uint8Array {
  return multipartyDigest(
    domain,
    hashStructBytes("Head", { channelId: head.channelId, author: head.author, seq: head.seq, head: head.head }),
  );
}
