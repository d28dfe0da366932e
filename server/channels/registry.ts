/**
 * The channel service's in-memory view of its ACTIVE channels: what an issuance round needs
 * (trader, latest version, funding, pending-operation lock, the latest state's intent and app
 * data) without reading it from the database every round.
 *
 * Why this is safe: the `Channel` and `ChannelState` rows are written only by this process's
 * channel service and by the custody sink created from it (`createChannelCustodySink(service)`),
 * and both tell the registry after every write (`refresh`, or `advanced` for the service's own
 * rounds). The admin console only reads them; the service runs in one process. Should a row
 * still change behind its back (a second process, a hand edit), the round's UPDATE is guarded by
 * the version the registry expected and refuses to move it (and the ChannelState trigger refuses
 * a version that is not above the stored ones): the round is then rolled back, the registry
 * reloaded from the database and the round built again.
 */
import type { Address } from "viem";
import type { Intent, TraderAppData } from "../../core/channel";
import type { Db } from "../db";
import { fundingFromRow, stateFromRow, type FundingEntry } from "./repository";

export interface ActiveChannel {
  id: string;
  /** EIP-55; also the engine account */
  trader: string;
  latestVersion: bigint;
  funding: FundingEntry[];
  pendingOp: string | null;
  pendingVersion: bigint | null;
  /** the intent and app data of the state at latestVersion */
  latestIntent: Intent;
  latestAppData: TraderAppData;
}

type RowWithLatest = NonNullable<Awaited<ReturnType<typeof readOne>>>;

function readOne(db: Db, id: string) {
  return db.channel.findUnique({ where: { id }, include: { states: { orderBy: { version: "desc" }, take: 1 } } });
}

export class ActiveChannelRegistry {
  private readonly byId = new Map<string, ActiveChannel>();
  private readonly idByTrader = new Map<string, string>();
  private loading: Promise<void> | null = null;
  /** refresh/load ordering: a read started later wins over one started earlier */
  private generation = 0;
  private readonly refreshStartedAt = new Map<string, number>();

  constructor(private readonly db: Db) {}

  /** Loads every ACTIVE channel with its latest state (once; two queries); later calls resolve at once. */
  load(): Promise<void> {
    this.loading ??= this.loadAll().catch((error: unknown) => {
      this.loading = null;
      throw error;
    });
    return this.loading;
  }

  /** Forgets everything and loads again (after a round found a row it did not expect). */
  reload(): Promise<void> {
    this.byId.clear();
    this.idByTrader.clear();
    this.loading = null;
    return this.load();
  }

  private async loadAll(): Promise<void> {
    const startedAt = ++this.generation;
    const rows = await this.db.channel.findMany({
      where: { status: "ACTIVE" },
      include: { states: { orderBy: { version: "desc" }, take: 1 } },
    });
    for (const row of rows) {
      // a refresh that started after this load read the row no earlier than we did
      if ((this.refreshStartedAt.get(row.id) ?? 0) > startedAt) continue;
      this.apply(row.id, row, false);
    }
  }

  /**
   * Re-reads one channel after a write outside the issuance round (sink events, locks, pending
   * states). Never throws: if the read fails, everything is forgotten and the next round loads
   * the registry again (the write itself has committed; a caller must not fail because of this).
   */
  async refresh(id: string): Promise<void> {
    const key = id.toLowerCase();
    const startedAt = ++this.generation;
    this.refreshStartedAt.set(key, startedAt);
    let row: RowWithLatest | null;
    try {
      row = await readOne(this.db, key);
    } catch (error) {
      console.error(`[channels] registry: could not re-read channel ${key}; reloading at the next round`, error);
      this.byId.clear();
      this.idByTrader.clear();
      this.loading = null;
      return;
    }
    if (this.refreshStartedAt.get(key) !== startedAt) return; // a later refresh owns the entry
    this.refreshStartedAt.delete(key);
    this.apply(key, row, true);
  }

  private apply(id: string, row: RowWithLatest | null, keepNewerVersion: boolean): void {
    const latest = row?.states[0];
    const previous = this.byId.get(id);
    if (!row || row.status !== "ACTIVE" || !latest) {
      this.byId.delete(id);
      if (previous && this.idByTrader.get(previous.trader) === id) this.idByTrader.delete(previous.trader);
      return;
    }
    const stored = stateFromRow(latest, row.trader as Address);
    const entry: ActiveChannel = {
      id,
      trader: row.trader,
      latestVersion: row.latestVersion,
      funding: fundingFromRow(row),
      pendingOp: row.pendingOp,
      pendingVersion: row.pendingVersion,
      latestIntent: stored.state.intent,
      latestAppData: stored.appData,
    };
    // versions only grow: a read that started before one of our rounds committed keeps the round's version
    if (keepNewerVersion && previous && previous.latestVersion > entry.latestVersion) {
      entry.latestVersion = previous.latestVersion;
      entry.latestIntent = previous.latestIntent;
      entry.latestAppData = previous.latestAppData;
    }
    this.byId.set(id, entry);
    this.idByTrader.set(row.trader, id);
  }

  /** The round committed `version` for channel `id`. */
  advanced(id: string, version: bigint, intent: Intent, appData: TraderAppData): void {
    const entry = this.byId.get(id);
    if (!entry || entry.latestVersion >= version) return;
    entry.latestVersion = version;
    entry.latestIntent = intent;
    entry.latestAppData = appData;
  }

  /** The ACTIVE channel of an engine account, if any. */
  ofTrader(trader: string): ActiveChannel | undefined {
    const id = this.idByTrader.get(trader);
    return id === undefined ? undefined : this.byId.get(id);
  }

  all(): IterableIterator<ActiveChannel> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }
}
