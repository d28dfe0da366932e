/** Zod pieces shared by the admin procedures. */
import { z } from "zod";

export const marketSymbol = z.string().min(1).max(32);
export const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address: 0x and 40 hex digits");
export const reason = z.string().trim().min(3, "say why (at least 3 characters)").max(500);
export const role = z.enum(["TRADER", "OPERATOR", "ADMIN", "BROKER"]);
export const managedRole = z.enum(["OPERATOR", "ADMIN", "BROKER"]);
export const limit = (max: number, dflt: number) => z.number().int().min(1).max(max).default(dflt);
export const auditId = z.bigint();

export const marketView = z.object({
  symbol: z.string(),
  kind: z.enum(["SPOT", "PERP"]),
  status: z.enum(["ACTIVE", "HALTED"]),
  base: z.object({ symbol: z.string(), decimals: z.number() }),
  quote: z.object({ symbol: z.string(), decimals: z.number() }),
  tickSize: z.bigint(),
  lotSize: z.bigint(),
  minNotional: z.bigint(),
  maxLeverage: z.number(),
  initialMarginBps: z.number(),
  maintenanceMarginBps: z.number(),
  makerFeePips: z.number(),
  takerFeePips: z.number(),
  fundingIntervalSec: z.number().nullable(),
  fundingCapPips: z.number().nullable(),
});

export const adminMarketRow = marketView.extend({
  haltedInEngine: z.boolean(),
  inEngine: z.boolean(),
  restingOrders: z.number(),
  mark: z.bigint().nullable(),
  index: z.bigint().nullable(),
  last: z.bigint().nullable(),
  openInterest: z.bigint().nullable(),
  liquidationFeePips: z.number().nullable(),
  markBandBps: z.number().nullable(),
});

export const riskRow = z.object({
  account: z.string(),
  asset: z.string(),
  decimals: z.number(),
  equity: z.bigint(),
  maintenanceMargin: z.bigint(),
  initialMargin: z.bigint(),
  unrealizedPnl: z.bigint(),
  marginRatioBps: z.bigint().nullable(),
  status: z.enum(["below", "near", "ok"]),
  positions: z.array(z.object({ market: z.string(), size: z.bigint(), mark: z.bigint().nullable() })),
});

export const balanceSeries = z.object({
  asset: z.string(),
  decimals: z.number(),
  current: z.bigint(),
  points: z.array(
    z.object({ seq: z.bigint(), timeMs: z.bigint(), balance: z.bigint(), delta: z.bigint(), reason: z.string() }),
  ),
});

export const channelRow = z.object({
  id: z.string(),
  trader: z.string(),
  status: z.enum(["OPENING", "ACTIVE", "CHALLENGED", "CLOSING", "CLOSED"]),
  latestVersion: z.bigint(),
  coSignedVersion: z.bigint().nullable(),
  onChainVersion: z.bigint().nullable(),
  funding: z.array(z.object({ token: z.string(), total: z.bigint() })),
  needsTopUp: z.boolean(),
  pendingOp: z.string().nullable(),
  alert: z.string().nullable(),
  openingExpiresAt: z.date().nullable(),
  openingReleasedAt: z.date().nullable(),
  openingReleaseReason: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const coverageRow = z.object({
  asset: z.string(),
  token: z.string(),
  decimals: z.number(),
  owedToTraders: z.bigint(),
  owedInChannelStates: z.bigint(),
  exchangeAvailable: z.bigint().nullable(),
  lockedInChannels: z.bigint().nullable(),
  surplus: z.bigint().nullable(),
  feeAccount: z.bigint(),
  insuranceFund: z.bigint(),
  exchangeAccount: z.bigint(),
  channelsNeedingTopUp: z.number(),
  reservedForOpenings: z.bigint(),
  reservedForTopUps: z.bigint(),
  openingChannels: z.number(),
  unreserved: z.bigint().nullable(),
  reorgShortfall: z.bigint(),
  reorgShortfallCount: z.number(),
});

/** A deposit reorged out after it was traded: what could not be taken back (base units). */
export const shortfallRow = z.object({
  id: z.bigint(),
  channelId: z.string(),
  trader: z.string(),
  asset: z.string(),
  token: z.string(),
  owed: z.bigint(),
  takenBack: z.bigint(),
  shortfall: z.bigint(),
  event: z.string(),
  txHash: z.string(),
  logIndex: z.number(),
  createdAt: z.date(),
});

export const openChallenge = z.object({
  channelId: z.string(),
  challengedVersion: z.bigint(),
  challengeDeadline: z.bigint(),
  challenger: z.string(),
  stateHash: z.string(),
  txHash: z.string(),
  blockNumber: z.bigint(),
  action: z
    .object({
      outcome: z.string(),
      reason: z.string().nullable(),
      answeredVersion: z.bigint().nullable(),
      txHash: z.string().nullable(),
      attempts: z.number(),
    })
    .nullable(),
});

export const healthView = z.object({
  engine: z
    .object({
      sequence: z.bigint(),
      durableSequence: z.bigint(),
      journalLag: z.number(),
      batches: z.number(),
      commands: z.number(),
      events: z.number(),
      lastBatchSize: z.number(),
      maxBatchSize: z.number(),
      avgBatchSize: z.number(),
      lastSnapshotSeq: z.bigint(),
      failed: z.string().nullable(),
      stopped: z.boolean(),
      replayedOnStart: z.number(),
      lastJournalAtMs: z.bigint().nullable(),
    })
    .nullable(),
  chain: z.object({ head: z.bigint().nullable(), error: z.string().nullable() }),
  watcher: z
    .object({
      running: z.boolean(),
      confirmations: z.number(),
      lastProcessedBlock: z.bigint().nullable(),
      lagBlocks: z.bigint().nullable(),
      lastRoundAt: z.date().nullable(),
      lastError: z.string().nullable(),
      reorgs: z.number(),
    })
    .nullable(),
  watchtower: z
    .object({
      running: z.boolean(),
      lastRoundAt: z.date().nullable(),
      lastError: z.string().nullable(),
      openChallenges: z.number(),
    })
    .nullable(),
  database: z.object({
    kind: z.enum(["postgres", "pglite"]),
    location: z.string(),
    reachable: z.boolean(),
    appliedMigrations: z.number(),
    pendingMigrations: z.number(),
    failedMigrations: z.array(z.string()),
    error: z.string().optional(),
  }),
  subscriptions: z.object({ events: z.number(), books: z.number(), channelStates: z.number() }),
});
