/**
 * THE encoder of B2B app data into a channel state's appDataHash: EIP-712 hashStruct of
 * B2BAppData with no domain (a struct hash, exactly what viem's hashStruct computes over
 * B2B_APP_DATA_TYPES; a test proves it). One generic walk of the types object, with the type
 * hashes computed once, so the TS types, the viem types and this encoding cannot drift apart.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Hex } from "viem";
import { bytesToHex, writeHex, writeUint256 } from "../channel/bytes";
import { B2B_APP_DATA_TYPES, type B2BAppData } from "./app-data-types";
import { validateB2BAppData } from "./app-data-validate";

type StructName = keyof typeof B2B_APP_DATA_TYPES;
type Field = { readonly name: string; readonly type: string };

const structOf = (type: string): StructName | undefined => {
  const name = type.endsWith("[]") ? type.slice(0, -2) : type;
  return name in B2B_APP_DATA_TYPES ? (name as StructName) : undefined;
};

const fieldsOf = (name: StructName): readonly Field[] => B2B_APP_DATA_TYPES[name];

/** EIP-712 encodeType: the struct, then every struct it references (deeply) in alphabetical order. */
export function encodeB2BType(primary: StructName): string {
  const found = new Set<StructName>();
  const visit = (name: StructName) => {
    for (const field of fieldsOf(name)) {
      const referenced = structOf(field.type);
      if (referenced && referenced !== primary && !found.has(referenced)) {
        found.add(referenced);
        visit(referenced);
      }
    }
  };
  visit(primary);
  const one = (name: StructName) =>
    `${name}(${fieldsOf(name)
      .map((f) => `${f.type} ${f.name}`)
      .join(",")})`;
  return [primary, ...[...found].sort()].map(one).join("");
}

/** The full EIP-712 type string of B2BAppData (its type hash is keccak of this). */
export const B2B_APP_DATA_TYPE_STRING = encodeB2BType("B2BAppData");

const utf8 = new TextEncoder();
const TYPE_HASHES = new Map<StructName, Uint8Array>(
  (Object.keys(B2B_APP_DATA_TYPES) as StructName[]).map((name) => [name, keccak_256(utf8.encode(encodeB2BType(name)))]),
);

/** keccak256 of the B2BAppData type string, for the contract's constant. */
export const B2B_APP_DATA_TYPEHASH: Hex = bytesToHex(TYPE_HASHES.get("B2BAppData")!);

function hashStructBytes(name: StructName, value: Readonly<Record<string, unknown>>): Uint8Array {
  const fields = fieldsOf(name);
  const buf = new Uint8Array(32 * (fields.length + 1));
  buf.set(TYPE_HASHES.get(name)!, 0);
  fields.forEach((field, i) => {
    const offset = 32 * (i + 1);
    const v = value[field.name];
    const struct = structOf(field.type);
    if (struct && field.type.endsWith("[]")) {
      const items = v as readonly Readonly<Record<string, unknown>>[];
      const hashes = new Uint8Array(32 * items.length);
      items.forEach((item, j) => hashes.set(hashStructBytes(struct, item), 32 * j));
      buf.set(keccak_256(hashes), offset);
    } else if (struct) buf.set(hashStructBytes(struct, v as Readonly<Record<string, unknown>>), offset);
    else if (field.type === "address" || field.type === "bytes32") writeHex(buf, offset, v as string, 32);
    else writeUint256(buf, offset, BigInt(v as bigint | number)); // uint8/16/64/256, range checked by validation
  });
  return keccak_256(buf);
}

/** The appDataHash of a B2B channel state: validates, then EIP-712 hashStruct(B2BAppData) without a domain. */
export function hashB2BAppData(appData: B2BAppData): Hex {
  validateB2BAppData(appData);
  return bytesToHex(hashStructBytes("B2BAppData", appData as unknown as Readonly<Record<string, unknown>>));
}

/** A typed-data request a wallet can display (and sign under a domain the caller adds). */
export function b2bAppDataTypedData(appData: B2BAppData) {
  return { types: B2B_APP_DATA_TYPES, primaryType: "B2BAppData", message: appData } as const;
}
