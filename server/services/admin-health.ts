/**
 * Ops console, health and the overview: engine sequence and journal lag, chain head and
 * watcher lag, database status, subscriptions connected — and one verdict that answers
 * "is the exchange healthy, solvent and safe right now?" with the reasons.
 */
import type { PublicClient } from "viem";
import type { Deployment } from "../../contracts/deploy/deployment";
import type { ChainWatcher } from "../chain/watcher";
import type { Watchtower } from "../chain/watchtower";
import { dbStatus, type DatabaseHandle, type Db } from "../db";
import type { FeedHub } from "../engine/feed-hub";
import { EXCHANGE_SUBJECT } from "../engine/journal-index";
import { eachEntryOf } from "../engine/journal-read";
import type { EngineRuntime, EngineRuntimeStatus } from "../engine/runtime";
import { challenges, coverage, type CoverageRow } from "./admin-channels";
import type { OpeningPolicy } from "../channels/opening-policy";
import { reorgShortfalls, type ShortfallRow } from "./admin-openings";
import { riskAccounts } from "./admin-risk";

export interface HealthView {
  engine: (EngineRuntimeStatus & { lastJournalAtMs: bigint | null }) | null;
  chain: { head: bigint | null; error: string | null };
  watcher: {
    running: boolean;
    confirmations: number;
    lastProcessedBlock: bigint | null;
    lagBlocks: bigint | null;
    lastRoundAt: Date | null;
    lastError: string | null;
    reorgs: number;
  } | null;
  watchtower: { running: boolean; lastRoundAt: Date | null; lastError: string | null; openChallenges: number } | null;
  database: Awaited<ReturnType<typeof dbStatus>>;
  subscriptions: { events: number; books: number; channelStates: number };
}

/** The running parts the health view reads (the server's services satisfy it). */
export interface HealthDeps {
  db: Db;
  database: DatabaseHandle;
  chain: { client: PublicClient; deployment: Pick<Deployment, "custody" | "tokens"> } | null;
  engine: EngineRuntime;
  feeds: FeedHub;
  /** null: no channel service in this process */
  channels: { feed: { totalSubscribers(): number }; openingPolicy: OpeningPolicy } | null;
  watcher: ChainWatcher | null;
  watchtower: Watchtower | null;
}

export async function health(deps: HealthDeps): Promise<HealthView> {
  const rt = deps.engine;
  const client = deps.chain?.client ?? null;
  const [database, head, lastEntry] = await Promise.all([
    dbStatus(deps.database),
    client
      ? client.getBlockNumber().then(
          (n) => ({ head: n, error: null }),
          (e: unknown) => ({ head: null, error: (e as Error).message.split("\n")[0]! }),
        )
      : Promise.resolve({ head: null, error: "no chain client" }),
    deps.db.journalEntry.findFirst({ orderBy: { seq: "desc" }, select: { timeMs: true } }).catch(() => null),
  ]);
  const w = deps.watcher?.status() ?? null;
  const t = deps.watchtower?.status() ?? null;
  const channelStates = deps.channels?.feed.totalSubscribers() ?? 0;
  const feeds = deps.feeds.subscriptionCounts();
  return {
    engine: { ...rt.status(), lastJournalAtMs: lastEntry?.timeMs ?? null },
    chain: head,
    watcher: w && {
      running: w.running,
      confirmations: w.confirmations,
      lastProcessedBlock: w.lastProcessedBlock,
      lagBlocks: w.lagBlocks,
      lastRoundAt: w.lastRoundAt,
      lastError: w.lastError,
      reorgs: w.reorgs,
    },
    watchtower: t && {
      running: t.running,
      lastRoundAt: t.lastRoundAt,
      lastError: t.lastError,
      openChallenges: t.openChallenges.length,
    },
    database,
    subscriptions: { ...feeds, channelStates },
  };
}

export interface Verdict {
  ok: boolean;
  /** plain-language reasons; when ok, what was checked */
  reasons: string[];
}

export interface OverviewView {
  at: Date;
  healthy: Verdict;
  solvent: Verdict;
  safe: Verdict;
  health: HealthView;
  coverage: CoverageRow[];
  coverageError: string | null;
  risk: { below: number; near: number; withPositions: number };
  haltedMarkets: string[];
  openChallenges: { channelId: string; deadline: bigint; secondsLeft: bigint | null; watchtower: string | null }[];
  channelAlerts: { id: string; trader: string; alert: string }[];
  /** deposits reorged out after they were traded, newest first (admin-openings.ts) */
  reorgShortfalls: ShortfallRow[];
  recentLiquidations24h: number;
}

/** The overview: three verdicts with reasons, and the figures behind them. */
export async function overview(deps: HealthDeps): Promise<OverviewView> {
  const now = Date.now();
  const rt = deps.engine;
  const h = await health(deps);
  const cov = await coverage(rt, deps.db, deps.chain);
  const ch = await challenges(deps.db, deps.chain?.client ?? null, deps.watchtower);
  const risk = riskAccounts(rt);
  const markets = await deps.db.market.findMany({ where: { status: "HALTED" }, select: { symbol: true } });
  const alerts = await deps.db.channel.findMany({
    where: { alert: { not: null } },
    select: { id: true, trader: true, alert: true },
    take: 20,
  });
  let liq = 0;
  for await (const entry of eachEntryOf(deps.db, EXCHANGE_SUBJECT, {
    types: ["liquidationStarted"],
    sinceMs: BigInt(now - 86_400_000),
  })) {
    liq += entry.events.filter((e) => e.type === "liquidationStarted").length;
  }

  const healthy: string[] = [];
  if (!h.engine) healthy.push("the engine is not running");
  else {
    if (h.engine.failed) healthy.push(`the engine stopped after a journal failure: ${h.engine.failed}`);
    if (h.engine.journalLag > 1_000) healthy.push(`the journal is ${h.engine.journalLag} commands behind memory`);
  }
  if (!h.database.reachable) healthy.push(`the database is unreachable: ${h.database.error ?? ""}`);
  if (h.database.pendingMigrations > 0)
    healthy.push(`${h.database.pendingMigrations} database migrations are not applied`);
  if (h.chain.error) healthy.push(`the chain is unreachable: ${h.chain.error}`);
  if (!h.watcher) healthy.push("the chain watcher is not running: deposits and channel events are not seen");
  else {
    if (h.watcher.lastError) healthy.push(`the chain watcher's last round failed: ${h.watcher.lastError}`);
    if (h.watcher.lagBlocks !== null && h.watcher.lagBlocks > BigInt(h.watcher.confirmations) + 20n)
      healthy.push(`the chain watcher is ${h.watcher.lagBlocks} blocks behind the head`);
  }
  if (!h.watchtower) healthy.push("the watchtower is not running: challenges are not answered");
  else if (h.watchtower.lastError) healthy.push(`the watchtower's last round failed: ${h.watchtower.lastError}`);

  const solvent: string[] = [];
  if (cov.error) solvent.push(`coverage unknown: ${cov.error}`);
  for (const r of cov.rows) {
    if (r.surplus !== null && r.surplus < 0n)
      solvent.push(`${r.asset}: custody holds ${r.surplus} base units less than the books owe traders`);
    if (r.exchangeAccount < 0n)
      solvent.push(
        `${r.asset}: the exchange's backstop account has paid ${-r.exchangeAccount} base units of bankrupt accounts' deficits`,
      );
    if (r.insuranceFund < 0n) solvent.push(`${r.asset}: the insurance fund is negative`);
    if (r.reorgShortfall > 0n)
      solvent.push(
        `${r.asset}: ${r.reorgShortfallCount} deposit(s) reorged out after they were traded; ${r.reorgShortfall} base units could not be taken back (accounts suspended)`,
      );
    const policy = deps.channels?.openingPolicy;
    const openingsMay =
      policy && r.exchangeAvailable !== null ? (r.exchangeAvailable * policy.reserveMaxBps) / 10_000n : null;
    if (openingsMay !== null && r.openingChannels > 0 && r.reservedForOpenings >= openingsMay)
      solvent.push(
        `${r.asset}: ${r.openingChannels} unfunded opening(s) reserve ${r.reservedForOpenings} base units, all that openings may (${policy!.reserveMaxBps} bps of the free balance): new opens get no coverage until they expire or are released`,
      );
    if (r.unreserved !== null && r.exchangeAvailable !== null && r.exchangeAvailable > 0n && r.unreserved <= 0n)
      solvent.push(
        `${r.asset}: ${r.openingChannels} opening channel(s) and pending top-ups reserve all of the exchange's free custody balance (${r.reservedForOpenings + r.reservedForTopUps} of ${r.exchangeAvailable} base units): new opens get no coverage`,
      );
    if (r.channelsNeedingTopUp > 0)
      solvent.push(
        `${r.asset}: ${r.channelsNeedingTopUp} channel(s) need an exchange top-up (trader equity above the channel's funding)`,
      );
  }

  const safe: string[] = [];
  const below = risk.filter((r) => r.status === "below").length;
  const near = risk.filter((r) => r.status === "near").length;
  if (below > 0) safe.push(`${below} account(s) below maintenance margin (liquidation pending the next price)`);
  const chainTime = ch.chainTime;
  for (const c of ch.open) {
    const left = chainTime === null ? null : c.challengeDeadline - chainTime;
    const done =
      c.action?.outcome === "ANSWERED" || c.action?.outcome === "NOT_NEEDED" || c.action?.outcome === "CLEARED";
    if (!done)
      safe.push(
        `channel ${c.channelId.slice(0, 10)}… is challenged at version ${c.challengedVersion}${left === null ? "" : `, ${left}s to the deadline`}; watchtower: ${c.action?.outcome ?? "no action yet"}`,
      );
  }
  for (const a of alerts) safe.push(`channel ${a.id.slice(0, 10)}… needs an operator: ${a.alert}`);

  return {
    at: new Date(now),
    healthy: {
      ok: healthy.length === 0,
      reasons: healthy.length ? healthy : ["engine, journal, database, chain, watcher and watchtower are running"],
    },
    solvent: {
      ok: solvent.length === 0,
      reasons: solvent.length
        ? solvent
        : [
            "custody covers what the books owe traders in every asset; no channel needs a top-up; no reorg shortfall; openings leave coverage free",
          ],
    },
    safe: {
      ok: safe.length === 0,
      reasons: safe.length ? safe : ["no account below maintenance, no unanswered challenge, no channel alert"],
    },
    health: h,
    coverage: cov.rows,
    coverageError: cov.error,
    risk: { below, near, withPositions: risk.length },
    haltedMarkets: markets.map((m) => m.symbol),
    openChallenges: ch.open.map((c) => ({
      channelId: c.channelId,
      deadline: c.challengeDeadline,
      secondsLeft: chainTime === null ? null : c.challengeDeadline - chainTime,
      watchtower: c.action?.outcome ?? null,
    })),
    channelAlerts: alerts.map((a) => ({ id: a.id, trader: a.trader, alert: a.alert! })),
    reorgShortfalls: (await reorgShortfalls(deps.db, 20)).rows,
    recentLiquidations24h: liq,
  };
}
