/**
 * How much coverage an opening may promise (SECURITY.md attack 16, coverage griefing).
 *
 * An INITIALIZE state promises the exchange's coverage before anyone has deposited anything: a
 * fresh address asking for 10^30 WBTC would otherwise reserve the whole free balance for a
 * channel nobody funds. So, per asset, the coverage of one opening is the least of
 *   - what the coverage policy wants (deposit × CHANNEL_COVERAGE_BPS, rounded down),
 *   - the free balance not promised yet (free custody balance − every reservation),
 *   - `maxShareBps` of the free custody balance (one opening; one per address: a trader has at
 *     most one channel that is not CLOSED),
 *   - `reserveMaxBps` of the free custody balance minus what unexpired openings reserve already
 *     (all openings together: a swarm of fresh addresses cannot take more),
 * every share rounded down (in the exchange's favour). An opening reserves its coverage for
 * `ttlSeconds`; after that it reserves nothing and its address may open again.
 */
/** Basis points: 10_000 = 1× (as context.ts's BPS; not imported, context.ts imports this module). */
const BPS = 10_000n;

export interface OpeningPolicy {
  /** an unfunded opening stops reserving coverage this many seconds after it was prepared */
  ttlSeconds: number;
  /** one opening's coverage per asset: at most this share of the exchange's free custody balance (basis points) */
  maxShareBps: bigint;
  /** all unexpired openings' coverage per asset together: at most this share of the free custody balance (basis points) */
  reserveMaxBps: bigint;
}

/** The defaults of CHANNEL_OPENING_TTL_SECONDS, CHANNEL_OPENING_MAX_SHARE_BPS and CHANNEL_OPENING_RESERVE_MAX_BPS (server/env.ts). */
export const DEFAULT_OPENING_POLICY: OpeningPolicy = { ttlSeconds: 3_600, maxShareBps: 1_000n, reserveMaxBps: 5_000n };

/** One token's figures, all in base units. */
export interface CoverageInputs {
  /** deposit × coverage bps / 10,000, rounded down */
  wanted: bigint;
  /** the exchange's free custody balance (custody coverage(token)) */
  available: bigint;
  /** every reservation: unexpired openings and pending top-ups */
  reserved: bigint;
  /** the unexpired openings' part of `reserved` */
  reservedByOpenings: bigint;
}

/** The coverage an opening may promise in one token (never negative). */
export function boundedCoverage(policy: OpeningPolicy, x: CoverageInputs): bigint {
  const unpromised = x.available - x.reserved;
  const perOpening = (x.available * policy.maxShareBps) / BPS;
  const openingsRoom = (x.available * policy.reserveMaxBps) / BPS - x.reservedByOpenings;
  let coverage = x.wanted;
  for (const cap of [unpromised, perOpening, openingsRoom]) if (cap < coverage) coverage = cap;
  return coverage > 0n ? coverage : 0n;
}
