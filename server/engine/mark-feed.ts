/**
 * Index prices for the perpetuals' mark. A source pushes prices (quote base units per WHOLE
 * base token); the runtime turns each into a journaled `markPrice` command through the
 * sequencer, where the engine derives the bounded mark, fires triggers and liquidates.
 *
 * Development: a seeded random walk per market (reproducible from MARK_FEED_SEED). Production:
 * plug any `MarkPriceSource` (an oracle, an index of other venues) into startEngineRuntime.
 */

/** Delivers index prices; `start` returns a function that stops it. */
export interface MarkPriceSource {
  start(emit: (market: string, pricePerWhole: bigint) => void): () => void;
  /** Continue from this price (after an admin override), if the source keeps state. */
  reset?(market: string, pricePerWhole: bigint): void;
}

/** mulberry32: a small seeded PRNG, uniform 32-bit integers. Not for secrets. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export interface RandomWalkOptions {
  markets: readonly { symbol: string; startPricePerWhole: bigint; tickSize: bigint }[];
  intervalMs: number;
  /** mean move per step, in bps (may be negative) */
  driftBps: number;
  /** largest random move per step either way, in bps */
  volatilityBps: number;
  seed: number;
}

/** One step of the walk: price * (1 + (drift + u) / 10000) with u uniform in [-vol, vol], floored to the tick, at least one tick. */
export function walkStep(
  pricePerWhole: bigint,
  tickSize: bigint,
  driftBps: number,
  volatilityBps: number,
  random32: number,
): bigint {
  const span = 2 * volatilityBps + 1;
  const u = (random32 % span) - volatilityBps;
  const moveBps = BigInt(Math.trunc(driftBps) + u);
  const next = pricePerWhole + (pricePerWhole * moveBps) / 10_000n;
  const onTick = (next / tickSize) * tickSize;
  return onTick < tickSize ? tickSize : onTick;
}

/** A seeded random walk per market, one step every `intervalMs`. */
export function randomWalkSource(o: RandomWalkOptions): MarkPriceSource & { prices(): Map<string, bigint> } {
  const rand = seededRandom(o.seed);
  const prices = new Map(o.markets.map((m) => [m.symbol, m.startPricePerWhole]));
  const ticks = new Map(o.markets.map((m) => [m.symbol, m.tickSize]));
  return {
    prices: () => new Map(prices),
    reset(market, price) {
      if (prices.has(market)) prices.set(market, price);
    },
    start(emit) {
      for (const [m, p] of prices) emit(m, p);
      const timer = setInterval(() => {
        for (const [m, p] of prices) {
          const next = walkStep(p, ticks.get(m)!, o.driftBps, o.volatilityBps, rand());
          prices.set(m, next);
          emit(m, next);
        }
      }, o.intervalMs);
      timer.unref?.();
      return () => clearInterval(timer);
    },
  };
}

/** Where the demo walk starts when the engine knows no price yet: whole quote units per whole base token. */
export const DEFAULT_START_PRICES_WHOLE: Readonly<Record<string, bigint>> = {
  WETH: 3_000n,
  ETH: 3_000n,
  WBTC: 60_000n,
  BTC: 60_000n,
};
