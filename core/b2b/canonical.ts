/**
 * THE canonical encoding of B2B bodies (and of whole wire envelopes): JSON with object keys
 * sorted (UTF-16 code unit order), no whitespace, bigint as a decimal string, numbers only as
 * safe integers, no floats, no null. One value has exactly one encoding, so the bytes the sender
 * signs (their keccak256 is the envelope's bodyHash) are the bytes the receiver meters and logs.
 * Decoding accepts only text that re-encodes to itself, so a second encoding of the same value
 * (spaces, other key order, "1e3", escaped ASCII) is refused rather than silently accepted.
 */

/** A value the canonical encoding takes: what the body types are made of. */
export type CanonicalValue =
  | string
  | number
  | bigint
  | boolean
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue | undefined };

const utf8 = new TextEncoder();

function encode(value: CanonicalValue | undefined, path: string): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "bigint":
      return `"${value.toString(10)}"`;
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isSafeInteger(value)) throw new TypeError(`${path}: ${value} is not a safe integer`);
      return Object.is(value, -0) ? "0" : String(value);
    case "object": {
      if (value === null) throw new TypeError(`${path}: null has no canonical encoding`);
      if (Array.isArray(value)) return `[${value.map((item, i) => encode(item, `${path}[${i}]`)).join(",")}]`;
      const record = value as { readonly [key: string]: CanonicalValue | undefined };
      // undefined fields are left out (an absent optional field), as JSON.stringify does
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${encode(record[k], `${path}.${k}`)}`).join(",")}}`;
    }
    default:
      throw new TypeError(`${path}: ${typeof value} has no canonical encoding`);
  }
}

/** The canonical text of a value; throws TypeError on floats, unsafe integers, null, undefined or functions. */
export function canonicalJson(value: CanonicalValue): string {
  return encode(value, "$");
}

/** The canonical UTF-8 bytes of a value (what is hashed, signed, metered and logged). */
export function canonicalBytes(value: CanonicalValue): Uint8Array {
  return utf8.encode(canonicalJson(value));
}

/** Parses canonical text; returns undefined when it is not JSON or not in canonical form. */
export function parseCanonicalJson(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  try {
    return canonicalJson(parsed as CanonicalValue) === text ? parsed : undefined;
  } catch {
    return undefined;
  }
}
