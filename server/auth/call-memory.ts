/**
 * Idempotency keys for the mutations that do not go through the engine's journal (the channel
 * procedures; the order procedures have the runtime's durable keys, server/services/idempotency.ts).
 * A call with a key (8–64 of A-Z a-z 0-9 _ . : -, per user) runs once: a retry with the same
 * body gets the first call's answer — or waits for it while it runs — and the same key with
 * another body is IDEMPOTENCY_KEY_REUSED. Only a success is remembered: after a refusal or a
 * failure (the chain unreachable…) a retry runs again and sees the channel as it is then.
 *
 * Kept in process memory for KEEP_MS, at most MAX_KEYS keys (the oldest forgotten first): a
 * retry after a restart runs again, and the channel service's own state (one pending request
 * per channel, versions only growing) then refuses or repeats it. Durable keys would need a table.
 * One memory per server, built with its auth dependencies (server/auth/deps.ts).
 */
import { ClearlineError } from "../../core/errors";
import { requestHash } from "../engine/request-hash";

const KEEP_MS = 24 * 3600 * 1000;
const MAX_KEYS = 100_000;

interface Entry<R> {
  hash: string;
  atMs: number;
  result: Promise<R>;
}

export class CallMemory {
  private readonly entries = new Map<string, Entry<unknown>>();

  /** `run` once per (owner, procedure, key) and request body; see the module doc. */
  async once<R extends { ok: boolean }>(
    who: { owner: string; procedure: string; key: string },
    body: Record<string, unknown>,
    nowMs: number,
    run: () => Promise<R>,
  ): Promise<R> {
    const id = `${who.owner}|${who.procedure}|${who.key}`;
    const hash = requestHash(who.procedure, body);
    const known = this.entries.get(id) as Entry<R> | undefined;
    if (known !== undefined && nowMs - known.atMs < KEEP_MS) {
      if (known.hash !== hash)
        throw new ClearlineError(
          "IDEMPOTENCY_KEY_REUSED",
          `idempotency key ${who.key} was used for another ${who.procedure} request`,
          { field: "idempotencyKey", procedure: who.procedure },
        );
      return known.result;
    }
    this.forgetOld(nowMs);
    const result = run();
    this.entries.set(id, { hash, atMs: nowMs, result });
    const settled = await result.catch((error: unknown) => {
      this.entries.delete(id);
      throw error;
    });
    if (!settled.ok) this.entries.delete(id);
    return settled;
  }

  private forgetOld(nowMs: number): void {
    for (const [id, e] of this.entries) {
      if (this.entries.size < MAX_KEYS && nowMs - e.atMs < KEEP_MS) break;
      this.entries.delete(id);
    }
  }
}
