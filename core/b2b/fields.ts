/**
 * Field readers for the wire shapes: each takes a parsed canonical JSON value (bigints arrive as
 * decimal strings) or an already typed one, checks its bound and returns the typed value, or
 * throws MalformedField naming the path. Integers must be in canonical decimal form ("0", "12",
 * never "012", "+1" or "1e3") so one value has one encoding.
 */
import type { Address, Hex } from "viem";

/** A field that is missing, of the wrong type, out of bounds or not canonical. */
export class MalformedField extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

export type Rec = Readonly<Record<string, unknown>>;

/** Reads a plain object with exactly the keys listed (required) and optional ones. */
export function record(
  value: unknown,
  path: string,
  required: readonly string[],
  optional: readonly string[] = [],
): Rec {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new MalformedField(path, "not an object");
  const rec = value as Rec;
  for (const key of required) if (rec[key] === undefined) throw new MalformedField(`${path}.${key}`, "missing");
  for (const key of Object.keys(rec))
    if (!required.includes(key) && !optional.includes(key)) throw new MalformedField(`${path}.${key}`, "unknown field");
  return rec;
}

/** Reads an unsigned integer below 2^bits (bigint or canonical decimal string), at least `min`. */
export function uint(value: unknown, path: string, bits: number, min = 0n): bigint {
  let n: bigint;
  if (typeof value === "bigint") n = value;
  else if (typeof value === "string" && /^(0|[1-9][0-9]{0,77})$/.test(value)) n = BigInt(value);
  else throw new MalformedField(path, "not a canonical unsigned decimal");
  if (n < min || n >> BigInt(bits) !== 0n) throw new MalformedField(path, `not in ${min}..2^${bits}-1`);
  return n;
}

/** Reads a safe integer number in [min, max]. */
export function int(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max)
    throw new MalformedField(path, `not an integer in ${min}..${max}`);
  return value;
}

/** Reads a lower-case 20-byte hex address (lower case: one address, one encoding). */
export function address(value: unknown, path: string): Address {
  if (typeof value !== "string" || !/^0x[0-9a-f]{40}$/.test(value))
    throw new MalformedField(path, "not a lower-case address");
  return value as Address;
}

/** Reads a 65-byte hex signature's text shape (the strict r/s/v checks happen on verification). */
export function signatureHex(value: unknown, path: string): Hex {
  if (typeof value !== "string" || !/^0x[0-9a-f]{130}$/.test(value))
    throw new MalformedField(path, "not a lower-case 65-byte hex signature");
  return value as Hex;
}

/** Reads an identifier: 1..max characters of [A-Za-z0-9._:/-]. */
export function ident(value: unknown, path: string, max: number): string {
  if (typeof value !== "string" || value.length === 0 || value.length > max || !/^[A-Za-z0-9._:/-]+$/.test(value))
    throw new MalformedField(path, `not an identifier of 1..${max} characters [A-Za-z0-9._:/-]`);
  return value;
}

/** Reads one of the listed string literals. */
export function oneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T {
  if (typeof value !== "string" || !options.includes(value as T))
    throw new MalformedField(path, `not one of ${options.join(", ")}`);
  return value as T;
}

/** Reads an array of at most `max` items, each through `item`. */
export function list<T>(value: unknown, path: string, max: number, item: (v: unknown, p: string) => T): T[] {
  if (!Array.isArray(value)) throw new MalformedField(path, "not an array");
  if (value.length > max) throw new MalformedField(path, `more than ${max} items`);
  return value.map((v, i) => item(v, `${path}[${i}]`));
}
