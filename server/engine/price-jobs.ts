/** Price jobs: the index-price feed (mark source), the funding timer, and the admin's mark-price override. */
import { ClearlineError } from "../../core/errors";
import type { MarketView } from "../../core/market/view";
import type { CommittedEntry } from "../ports";
import { DEFAULT_START_PRICES_WHOLE, randomWalkSource, type MarkPriceSource } from "./mark-feed";
import { priceFromPerLotDown } from "./market-config";
import { MarketRegistry } from "./market-registry";
import type { EngineRuntimeOptions } from "./runtime-types";

export abstract class PriceJobs extends MarketRegistry {
  private readonly lastFundingMs = new Map<string, number>();
  private source: MarkPriceSource | null = null;

  /** Start the mark source (options.markSource, resolved against the markets and the engine's last prices) and the funding loop. */
  startPriceJobs(options: Pick<EngineRuntimeOptions, "markSource" | "fundingCheckMs">) {
    const source =
      typeof options.markSource === "function"
        ? options.markSource(this.markets(), knownIndexPrices(this))
        : options.markSource;
    if (source) this.startMarkSource(source);
    if ((options.fundingCheckMs ?? 1_000) > 0) this.startFunding(options.fundingCheckMs ?? 1_000);
  }

  async overrideMarkPrice(market: string, pricePerWhole: bigint, reason: string): Promise<CommittedEntry> {
    const view = this.views.get(market);
    if (view === undefined) throw new ClearlineError("MARKET_NOT_FOUND", `no market ${market}`, { market });
    if (pricePerWhole <= 0n)
      throw new ClearlineError("PRICE_NOT_POSITIVE", "the price must be positive", { price: pricePerWhole });
    this.source?.reset?.(market, pricePerWhole);
    return this.submit(
      { type: "markPrice", market, indexPerLot: indexToPerLot(view, pricePerWhole) },
      { meta: { source: "admin", reason } },
    );
  }

  private startMarkSource(source: MarkPriceSource) {
    this.source = source;
    const stop = source.start((market, price) => {
      const view = this.views.get(market);
      if (view === undefined || this.failed !== null || this.stopped) return;
      this.submit(
        { type: "markPrice", market, indexPerLot: indexToPerLot(view, price) },
        { meta: { source: "feed" } },
      ).catch((e: unknown) => this.log(`mark price for ${market} not journaled`, e));
    });
    this.stoppers.push(stop);
  }

  /** Funding at each interval boundary (the command carries the boundary's time, so replay needs no clock). */
  private startFunding(checkMs: number) {
    for (const m of this.exchange.snapshot().markets)
      if (m.lastFundingMs !== null) this.lastFundingMs.set(m.params.symbol, m.lastFundingMs);
    const tick = () => {
      if (this.failed !== null || this.stopped) return;
      const now = this.clock();
      for (const view of this.views.values()) {
        if (view.kind !== "PERP" || view.fundingIntervalSec === null) continue;
        const interval = view.fundingIntervalSec * 1000;
        const boundary = Math.floor(now / interval) * interval;
        const last = this.lastFundingMs.get(view.symbol);
        if (last === undefined) {
          this.lastFundingMs.set(view.symbol, boundary); // the first payment is at the next boundary
          continue;
        }
        if (boundary < last + interval) continue;
        if (this.exchange.prices(view.symbol).markPerLot === null) continue;
        this.lastFundingMs.set(view.symbol, boundary);
        this.submit({ type: "fundingTick", market: view.symbol, timeMs: boundary }).catch((e: unknown) =>
          this.log(`funding for ${view.symbol} not journaled`, e),
        );
      }
    };
    const timer = setInterval(tick, checkMs);
    timer.unref?.();
    this.stoppers.push(() => clearInterval(timer));
  }
}

/** Index prices the engine already has, per whole token, by market. */
function knownIndexPrices(rt: PriceJobs): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const v of rt.markets()) {
    const p = rt.read((ex) => ex.prices(v.symbol));
    const perLot = p.indexPerLot ?? p.lastPerLot;
    if (perLot !== null) out.set(v.symbol, priceFromPerLotDown(v, perLot));
  }
  return out;
}

/** An index price per whole token → per lot, rounded down (an index need not sit on the tick grid). */
function indexToPerLot(view: MarketView, pricePerWhole: bigint): bigint {
  const perLot = (pricePerWhole * view.lotSize) / 10n ** BigInt(view.base.decimals);
  return perLot > 0n ? perLot : 1n;
}

/** The development feed: a seeded random walk for every perpetual, from the engine's last index (or a demo default). */
export function simulatedMarkSource(settings: {
  intervalMs: number;
  driftBps: number;
  volatilityBps: number;
  seed: number;
}) {
  return (markets: readonly MarketView[], known: Map<string, bigint>): MarkPriceSource | null => {
    const perps = markets
      .filter((m) => m.kind === "PERP")
      .map((m) => {
        const start =
          known.get(m.symbol) ?? (DEFAULT_START_PRICES_WHOLE[m.base.symbol] ?? 0n) * 10n ** BigInt(m.quote.decimals);
        return { symbol: m.symbol, startPricePerWhole: (start / m.tickSize) * m.tickSize, tickSize: m.tickSize };
      })
      .filter((m) => m.startPricePerWhole > 0n);
    return perps.length === 0 ? null : randomWalkSource({ markets: perps, ...settings });
  };
}
