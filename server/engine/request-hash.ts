/** The hash that tells a retry (same body) from a reused idempotency key (another body). */
import { createHash } from "node:crypto";

/** Canonical JSON: sorted keys, bigint as "123n", undefined dropped — so equal bodies hash equally. */
export function canonicalJson(value: unknown): string {
  if (typeof value === "bigint") return JSON.stringify(`${value}n`);
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** sha256 of the procedure and the canonical body without its idempotency key. */
export function requestHash(procedure: string, body: Record<string, unknown>): string {
  const { idempotencyKey: _ignored, ...rest } = body;
  return createHash("sha256").update(procedure).update("\n").update(canonicalJson(rest)).digest("hex");
}
