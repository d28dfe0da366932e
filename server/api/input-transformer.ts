/**
 * The API's input transformer: superjson's wire format, read defensively. superjson trusts its
 * input — a bigint "NaN" or "1e18", an unknown transformation or a meta nested thousands deep
 * throw (or overflow the stack), and a 64,000-digit bigint is parsed before any schema could
 * refuse it. Every input, on every path (tRPC's handler and the direct order entry,
 * server/http/order-entry.ts), is checked here first and refused as INVALID_INPUT naming the
 * field, which tRPC answers with 400 (BAD_REQUEST) — never 500.
 */
import superjson from "superjson";
import { ClearlineError } from "../../core/errors";
import { toTRPCError } from "./errors";

/** Deeper than any input of this API (the deepest is a channel state: about 5). */
export const MAX_INPUT_DEPTH = 32;
/** The digits of 2^256 − 1: no amount, price or version of this API is longer. */
export const MAX_INTEGER_DIGITS = 78;

/** superjson annotations an input may carry (what the app's client sends: bigint, Date, undefined, …). */
const ALLOWED = new Set(["undefined", "bigint", "Date", "number", "set", "map"]);
const INTEGER = /^-?\d+$/;

function refuse(field: string, message: string): never {
  throw toTRPCError(
    new ClearlineError("INVALID_INPUT", `${field || "input"}: ${message}`, { field: field || "input" }),
  );
}

const join = (path: string, key: string | number) => (path === "" ? String(key) : `${path}.${key}`);

/**
 * Walks a JSON value without recursion: at most MAX_INPUT_DEPTH levels, and no integer-looking
 * string longer than MAX_INTEGER_DIGITS (what superjson would hand BigInt()).
 */
function checkShape(value: unknown, root: string, digitStrings: boolean): void {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === "string") {
      if (digitStrings && v.length > MAX_INTEGER_DIGITS + 1 && INTEGER.test(v))
        refuse(path, `a number of ${v.length} digits; at most ${MAX_INTEGER_DIGITS}`);
      continue;
    }
    if (typeof v !== "object" || v === null) continue;
    if (depth >= MAX_INPUT_DEPTH) refuse(path, `nested deeper than ${MAX_INPUT_DEPTH} levels`);
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, path: join(path, i), depth: depth + 1 }));
    else for (const [k, x] of Object.entries(v)) stack.push({ v: x, path: join(path, k), depth: depth + 1 });
  }
}

/** superjson's path syntax: keys joined by ".", a literal "." or "\" escaped with "\". */
function splitPath(path: string): string[] {
  const keys: string[] = [];
  let key = "";
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === "\\" && i + 1 < path.length) key += path[++i];
    else if (c === ".") {
      keys.push(key);
      key = "";
    } else key += c;
  }
  keys.push(key);
  return keys;
}

function at(json: unknown, keys: string[]): unknown {
  let v = json;
  for (const k of keys) v = typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/** One annotation ([type] or [type, nested annotations]): a known type, and a bigint whose text is an integer. */
function checkAnnotation(annotation: unknown, field: string, value: unknown, resolvable: boolean): void {
  if (!Array.isArray(annotation) || annotation.length === 0) refuse(field, "malformed superjson annotation");
  const type = annotation[0];
  if (typeof type !== "string" || !ALLOWED.has(type))
    refuse(field, `unknown superjson transformation ${JSON.stringify(type).slice(0, 40)}`);
  if (type === "bigint" && resolvable && (typeof value !== "string" || !INTEGER.test(value)))
    refuse(field, `not an integer: ${JSON.stringify(value)?.slice(0, 40)}`);
  // annotations inside a map or set are relative to its entries: checked for their type only
  const nested = annotation[1];
  if (nested !== undefined) {
    if (typeof nested !== "object" || nested === null) refuse(field, "malformed superjson annotation");
    for (const [k, inner] of Object.entries(nested)) checkAnnotation(inner, join(field, k), undefined, false);
  }
}

/** Reads a superjson payload ({ json, meta }) as superjson would, or refuses it naming the field. */
export function deserializeInput(payload: unknown): unknown {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload))
    refuse("input", "expected superjson's { json, meta } object");
  const { json, meta } = payload as { json?: unknown; meta?: unknown };
  checkShape(json, "", true);
  if (meta !== undefined) {
    checkShape(meta, "meta", false);
    if (typeof meta !== "object" || meta === null) refuse("meta", "expected an object");
    const values = (meta as { values?: unknown }).values;
    if (Array.isArray(values)) checkAnnotation(values, "input", json, true);
    else if (typeof values === "object" && values !== null)
      for (const [path, annotation] of Object.entries(values))
        checkAnnotation(annotation, path.replace(/\\(.)/g, "$1"), at(json, splitPath(path)), true);
    else if (values !== undefined) refuse("meta.values", "expected an object or an array");
  }
  try {
    // a payload parsed for this call alone: decoded in place, not copied first
    return superjson.deserialize(payload as Parameters<typeof superjson.deserialize>[0], { inPlace: true });
  } catch (e) {
    return refuse("input", `not valid superjson: ${(e as Error).message.split("\n")[0]!.slice(0, 120)}`);
  }
}

/** tRPC's transformer for this API: inputs read by deserializeInput, everything else plain superjson. */
export const apiTransformer = {
  input: { serialize: (v: unknown) => superjson.serialize(v), deserialize: deserializeInput },
  output: superjson,
};
