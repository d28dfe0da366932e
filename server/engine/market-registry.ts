/**
 * The market registry: the Market table's view of each market (market(), markets()), kept in step
 * with the engine (syncMarkets, updateMarketParams), and the trading guards (halted markets,
 * suspended accounts).
 */
import { ClearlineError } from "../../core/errors";
import { toClearlineError, type MarketParamsUpdate } from "../../core/engine";
import type { MarketView } from "../../core/market/view";
import type { Prisma } from "../../generated/prisma/client";
import { IdempotentSequencer } from "./idempotency-store";
import { catalogueEquals, catalogueFromParams, toEngineMarketConfig } from "./market-config";
import { catalogueRow, listMarkets } from "./market-table";
import type { MarketParamsChange, UpdateMarketParamsOptions } from "./runtime-types";

export abstract class MarketRegistry extends IdempotentSequencer {
  protected readonly views = new Map<string, MarketView>();
  private readonly halted = new Set<string>();
  private readonly suspended = new Set<string>();

  market(symbol: string): MarketView | null {
    return this.views.get(symbol) ?? null;
  }

  markets(): MarketView[] {
    return [...this.views.values()];
  }

  async syncMarkets(): Promise<string[]> {
    const rows = await listMarkets(this.db);
    const engineParams = new Map(this.exchange.snapshot().markets.map((m) => [m.params.symbol, m.params]));
    const added: string[] = [];
    for (let view of rows) {
      const params = engineParams.get(view.symbol);
      if (params !== undefined) {
        // the engine (snapshot + journal) is the truth for a market it has: a row that missed an
        // updateMarket (its write failed after the command was journaled) follows it now
        const catalogue = catalogueFromParams(view.kind, params);
        if (!catalogueEquals(view, catalogue)) {
          this.log(
            `market ${view.symbol}: the Market row differs from the engine's parameters; rewriting the row from the engine`,
          );
          await this.db.market.update({ where: { symbol: view.symbol }, data: catalogueRow(catalogue) });
          view = { ...view, ...catalogue };
        }
      }
      this.views.set(view.symbol, view);
      if (view.status === "HALTED") this.halted.add(view.symbol);
      if (params !== undefined) continue;
      const entry = await this.submit({ type: "addMarket", config: toEngineMarketConfig(view) });
      const rejected = entry.events.find((e) => e.type === "rejected");
      if (rejected?.type === "rejected") this.log(`market ${view.symbol} refused by the engine: ${rejected.message}`);
      else added.push(view.symbol);
    }
    return added;
  }

  async updateMarketParams(
    market: string,
    params: MarketParamsUpdate,
    options: UpdateMarketParamsOptions = {},
  ): Promise<MarketParamsChange> {
    const view = this.views.get(market);
    if (view === undefined) throw new ClearlineError("MARKET_NOT_FOUND", `no market ${market}`, { market });
    const entry = await this.submit({ type: "updateMarket", market, params }, { meta: options.meta });
    const rejected = entry.events.find((e) => e.type === "rejected");
    if (rejected?.type === "rejected") throw toClearlineError(rejected);
    const updated = entry.events.find((e) => e.type === "marketUpdated");
    if (updated?.type !== "marketUpdated")
      throw new ClearlineError("INTERNAL", `updateMarket on ${market} produced no marketUpdated event`, { market });
    const change: MarketParamsChange = {
      entry,
      before: updated.before,
      after: updated.after,
      catalogue: catalogueFromParams(view.kind, updated.after),
    };
    // conversions and the funding loop read the view: it follows the engine at once
    this.views.set(market, { ...view, ...change.catalogue });
    const writeRow = async (tx: Prisma.TransactionClient) => {
      await tx.market.update({ where: { symbol: market }, data: catalogueRow(change.catalogue) });
    };
    try {
      await (options.persist ?? ((_c, write) => this.db.$transaction(write)))(change, writeRow);
    } catch (error) {
      this.log(
        `market ${market}: parameters changed in the engine at seq ${entry.seq}, but the Market row was not written (the next start rewrites it from the engine)`,
        error,
      );
      throw new ClearlineError(
        "INTERNAL",
        `the engine changed ${market}'s parameters (journal seq ${entry.seq}) but recording it failed; the next start brings the Market row in line`,
        { market, seq: entry.seq },
        { cause: error },
      );
    }
    return change;
  }

  setMarketHalted(market: string, halted: boolean) {
    if (halted) this.halted.add(market);
    else this.halted.delete(market);
  }

  setAccountSuspended(account: string, suspended: boolean) {
    if (suspended) this.suspended.add(account);
    else this.suspended.delete(account);
  }

  checkTradingAllowed(account: string, market: string | null) {
    if (this.suspended.has(account)) throw new ClearlineError("FORBIDDEN", "this account is suspended", { account });
    if (market !== null && this.halted.has(market))
      throw new ClearlineError("PRECONDITION_FAILED", `market ${market} is halted`, { market });
  }

  /** Read the suspended accounts from the User table (at start; the admin controls keep it current after). */
  async loadGuards() {
    const users = await this.db.user.findMany({ where: { suspendedAt: { not: null } }, select: { address: true } });
    for (const u of users) this.suspended.add(u.address);
  }
}
