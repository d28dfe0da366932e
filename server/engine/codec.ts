/**
 * Text encoding of journal commands, events, snapshots and stored answers: JSON with bigint.
 *
 * Written as `~` + JSON in which every bigint is `{"$n":"<decimal>"}`. Everything encoded here
 * is plain data (objects, arrays, strings, numbers, booleans, null, bigint); anything else
 * (Date, Map, Set, …) is refused rather than silently changed. This is JSON.stringify with a
 * replacer: it replaced superjson, whose walk cost ~10% of the server thread under load
 * (docs/ENGINE-RUNTIME.md, "The journal"). Rows written before (superjson's `{"json":…}` text, which never
 * starts with `~`) still decode.
 */
import superjson from "superjson";

const MARK = "~";
const BIGINT_KEY = "$n";

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  if (typeof value === "bigint") return { [BIGINT_KEY]: value.toString() };
  const original = this[key];
  if (
    typeof original === "object" &&
    original !== null &&
    !Array.isArray(original) &&
    Object.getPrototypeOf(original) !== Object.prototype &&
    Object.getPrototypeOf(original) !== null
  ) {
    throw new TypeError(
      `codec: cannot encode ${(original as object).constructor?.name ?? "this object"} at "${key}" (plain data only)`,
    );
  }
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const n = (value as Record<string, unknown>)[BIGINT_KEY];
    if (typeof n === "string") return BigInt(n);
  }
  return value;
}

export function encode(value: unknown): string {
  return MARK + JSON.stringify(value, replacer);
}

export function decode<T>(text: string): T {
  if (text.startsWith(MARK)) return JSON.parse(text.slice(1), reviver) as T;
  return superjson.parse<T>(text);
}
