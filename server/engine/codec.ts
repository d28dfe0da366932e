/** Text encoding of journal commands, events, snapshots and stored answers: JSON with bigint (superjson). */
import superjson from "superjson";

export function encode(value: unknown): string {
  return superjson.stringify(value);
}

export function decode<T>(text: string): T {
  return superjson.parse<T>(text);
}
