/**
 * The idempotency store: submit() once per (account, key), with the answers kept in memory while
 * their batch commits, the stored ones looked up in the "IdempotencyKey" table, and the key filter.
 *
 * This runtime is the ONLY writer of the "IdempotencyKey" table (its journal batches write the
 * keys enqueued here; one runtime per database). That is what lets a Bloom filter (key-filter.ts)
 * of the stored keys, read once at start, plus every key enqueued since, answer "never stored"
 * without a lookup. Anything else that inserts keys into the table would break idempotency (a
 * retry of such a key would be applied again and its journal batch fail).
 */
import { ClearlineError } from "../../core/errors";
import type { Command, Exchange } from "../../core/engine";
import { BatchLoader } from "../db/batch-loader";
import { HOT_SQL } from "../db/hot-sql";
import type { CommittedEntry, SubmitOptions } from "../ports";
import { decode, encode } from "./codec";
import { KeyFilter } from "./key-filter";
import { requestHash } from "./request-hash";
import type { EngineRuntimeOptions, IdempotencyStats, IdempotentRequest } from "./runtime-types";
import { Sequencer } from "./sequencer";

interface KeyState {
  requestHash: string;
  answer: Promise<unknown>;
  /** when its batch committed (null while in flight) */
  committedAt: number | null;
}

/**
 * How long a committed key stays in memory (besides until no lookup that could have missed it is
 * running): only so that a quick retry skips a database read. A minute, as at first, kept ~120,000
 * answers alive at 2,000 orders/s, which every major GC then marked (docs/ENGINE-RUNTIME.md, "Idempotency").
 */
const KEY_RETENTION_MS = 1_000;
const SELECT_KEYS = `${HOT_SQL}SELECT k.account, k.key, k."requestHash", k.response FROM "IdempotencyKey" k
  JOIN unnest($1::text[], $2::text[]) AS q(account, key) ON k.account = q.account AND k.key = q.key`;
/** the idempotency "account" of requestIds on commands without an account (market prices, funding) */
const SYSTEM_REQUESTS = "@system";
/** Pages of stored keys for the key filter, by the primary key (not HOT_SQL: start-up work, not the order path). */
const FIRST_KEYS_PAGE = `SELECT account, key FROM "IdempotencyKey" ORDER BY account, key LIMIT $1::int`;
const NEXT_KEYS_PAGE = `SELECT account, key FROM "IdempotencyKey" WHERE (account, key) > ($1::text, $2::text) ORDER BY account, key LIMIT $3::int`;

export abstract class IdempotentSequencer extends Sequencer {
  private readonly keys = new Map<string, KeyState>();
  /** start times of idempotency lookups in the database that are still running */
  private readonly lookups = new Set<{ startedAt: number }>();
  /** concurrent idempotency lookups share one query (one round trip per batch under load, not one per order) */
  private readonly keyLoader: BatchLoader<
    { account: string; key: string },
    { account: string; key: string; requestHash: string; response: string }
  >;
  /**
   * Every (account, key) in the IdempotencyKey table or enqueued by this runtime, once
   * `keyFilterReady`: "certainly absent" means no lookup is needed. Sound only because this
   * runtime is the table's one writer (docs/ENGINE-RUNTIME.md "Idempotency").
   */
  private readonly keyFilter = new KeyFilter();
  private keyFilterReady = false;
  protected keyFilterBuild: Promise<void> = Promise.resolve();
  private keyFilterStopped = false;
  private readonly keyCounts = { databaseLookups: 0, lookupsSkipped: 0 };
  private lastSweepAt = 0;

  constructor(o: EngineRuntimeOptions, exchange: Exchange, seq: bigint, snapshotSeq: bigint) {
    super(o, exchange, seq, snapshotSeq);
    this.keyLoader = new BatchLoader(
      (ks) =>
        this.db.$queryRawUnsafe(
          SELECT_KEYS,
          ks.map((k) => k.account),
          ks.map((k) => k.key),
        ),
      (k) => `${k.account}\u0000${k.key}`,
      (r) => `${r.account}\u0000${r.key}`,
    );
  }

  submit(command: Command, options?: SubmitOptions & { meta?: Record<string, unknown> }): Promise<CommittedEntry> {
    if (options?.requestId !== undefined) {
      // the same mechanism as client idempotency keys: journaled with the command, deduplicated in memory and in the table
      const account = "account" in command && typeof command.account === "string" ? command.account : SYSTEM_REQUESTS;
      return this.submitIdempotent<CommittedEntry>({
        account,
        key: options.requestId,
        requestHash: requestHash("engine.submit", { command }),
        command,
        respond: ({ seq, command: c, events }) => ({ seq, command: c, events }),
      });
    }
    return this.enqueue(command, options?.meta ?? null, null).promise;
  }

  async submitIdempotent<R>(req: IdempotentRequest<R>): Promise<R> {
    const id = `${req.account}\u0000${req.key}`;
    const known = this.knownKey<R>(id, req);
    if (known !== null) return known;
    if (this.keyFilterReady && !this.keyFilter.mightContain(id)) {
      // never stored and never enqueued here: no lookup (and no await before the apply below)
      this.keyCounts.lookupsSkipped++;
    } else {
      this.keyCounts.databaseLookups++;
      const lookup = { startedAt: this.clock() };
      this.lookups.add(lookup);
      let row: { requestHash: string; response: string } | null;
      try {
        row = await this.keyLoader.load({ account: req.account, key: req.key });
      } finally {
        this.lookups.delete(lookup);
      }
      if (row !== null) {
        if (row.requestHash !== req.requestHash) throw reused(req.key);
        return decode<R>(row.response);
      }
      // a twin may have started (or even committed) while we looked: it is in `keys` then
      const again = this.knownKey<R>(id, req);
      if (again !== null) return again;
    }
    let answer!: R;
    const { promise } = this.enqueue(req.command, null, (entry) => {
      answer = req.respond(entry);
      return { account: req.account, key: req.key, requestHash: req.requestHash, response: encode(answer) };
    });
    const state: KeyState = { requestHash: req.requestHash, answer: promise.then(() => answer), committedAt: null };
    this.keys.set(id, state);
    this.keyFilter.add(id); // before its commit: from now on the table may hold it
    promise.then(
      () => {
        state.committedAt = this.clock();
        // at most once a second
        if (state.committedAt - this.lastSweepAt >= 1_000) {
          this.lastSweepAt = state.committedAt;
          this.sweepKeys();
        }
      },
      () => this.keys.delete(id), // not acknowledged: a retry looks it up again
    );
    return state.answer as Promise<R>;
  }

  private knownKey<R>(id: string, req: IdempotentRequest<R>): Promise<R> | null {
    const k = this.keys.get(id);
    if (k === undefined) return null;
    if (k.requestHash !== req.requestHash) throw reused(req.key);
    return k.answer as Promise<R>;
  }

  /**
   * Read every stored key into the filter, one page (one statement) at a time by the primary
   * key, in the background; ready only after the last page. Keys committed meanwhile were
   * added when enqueued. A failed page is logged and read again after `retryMs` (lookups keep
   * going to the database until then); stop() ends it.
   */
  startKeyFilter(pageRows: number, retryMs: number) {
    let wake: (() => void) | null = null;
    this.stoppers.push(() => {
      this.keyFilterStopped = true;
      wake?.();
    });
    const build = async () => {
      let after: { account: string; key: string } | null = null;
      while (!this.keyFilterStopped) {
        let rows: { account: string; key: string }[];
        try {
          rows =
            after === null
              ? await this.db.$queryRawUnsafe(FIRST_KEYS_PAGE, pageRows)
              : await this.db.$queryRawUnsafe(NEXT_KEYS_PAGE, after.account, after.key, pageRows);
        } catch (error) {
          if (this.keyFilterStopped) return;
          this.log(
            `idempotency key filter: reading stored keys failed; every key is looked up in the database until a retry in ${retryMs} ms succeeds`,
            error,
          );
          await new Promise<void>((res) => {
            const timer = setTimeout(res, retryMs);
            timer.unref?.();
            wake = () => {
              clearTimeout(timer);
              res();
            };
          });
          wake = null;
          continue; // the same page again: the pages before it are in the filter
        }
        for (const r of rows) this.keyFilter.add(`${r.account}\u0000${r.key}`);
        if (rows.length < pageRows) {
          this.keyFilterReady = !this.keyFilterStopped;
          return;
        }
        after = rows[rows.length - 1]!;
        // let the event loop's other phases run between pages: embedded PGlite answers through
        // microtasks only, so back-to-back pages would hold off every setImmediate (group commit, lookups)
        await new Promise<void>((res) => setImmediate(res));
      }
    };
    this.keyFilterBuild = build().catch((e: unknown) => this.log("idempotency key filter: build stopped", e));
  }

  idempotencyStats(): IdempotencyStats {
    return {
      filterReady: this.keyFilterReady,
      filterKeys: this.keyFilter.size,
      filterLayers: this.keyFilter.layerCount,
      filterBytes: this.keyFilter.bytes,
      ...this.keyCounts,
    };
  }

  /** Forget committed keys once no database lookup that could have missed them is still running. */
  private sweepKeys() {
    let horizon = this.clock() - KEY_RETENTION_MS;
    for (const l of this.lookups) if (l.startedAt < horizon) horizon = l.startedAt;
    // keys enter `keys` in journal order and commit in that order (a failed one is removed), so
    // the expired ones are a prefix: stop at the first that is not (walking all of them — a
    // minute of orders — held the server thread ~10 ms every second)
    for (const [id, k] of this.keys) {
      if (k.committedAt === null || k.committedAt >= horizon) break;
      this.keys.delete(id);
    }
  }
}

function reused(key: string) {
  return new ClearlineError("IDEMPOTENCY_KEY_REUSED", `idempotency key ${key} was used for a different request`, {
    key,
  });
}
