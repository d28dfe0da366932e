/** State issuance: a new OPERATE state for every ACTIVE channel an engine batch changed, in paced, merged rounds. */
import type { Address } from "viem";
import { Intent } from "../../core/channel";
import type { CommittedBatch } from "../ports";
import type { ChannelContext } from "./context";
import type { ActiveChannel } from "./registry";
import { commitRound, StaleRoundError, type StoredState } from "./repository";
import { buildState } from "./state-builder";

/** Batches merged into one state-issuance round: account -> asset -> fee paid in them. */
interface IssueRound {
  touched: Set<string>;
  markets: Set<string>;
  fees: Map<string, Map<string, bigint>>;
  journalSeq: bigint;
}

export class StateIssuer {
  /** the issuance round that has not started yet: later batches merge into it */
  private nextRound: IssueRound | null = null;
  /** performance.now() when the last issuance round started (pacing, issuanceIntervalMs) */
  private lastRoundAt = -Infinity;

  constructor(private readonly ctx: ChannelContext) {}

  /**
   * The engine listener: new OPERATE states for every active channel whose trader the batch touched.
   * Batches that commit while earlier states are still being built are merged into one round
   * (touched accounts and markets united, fees summed, the last journal seq): every state is
   * built from the engine's current view anyway, so the newest state per channel is the same,
   * with one database round per round instead of per batch. Returns at once (the runtime then
   * hands over the next batch); `ChannelService.idle()` waits for the states.
   */
  onCommitted(batch: CommittedBatch): Promise<void> {
    if (batch.entries.length === 0) return Promise.resolve();
    let round = this.nextRound;
    if (round === null) {
      const r: IssueRound = { touched: new Set(), markets: new Set(), fees: new Map(), journalSeq: 0n };
      this.nextRound = round = r;
      this.ctx
        .serial(async () => {
          // paced on the monotonic clock (the injected clock is for timestamps): batches meanwhile join `r`
          const wait = this.lastRoundAt + (this.ctx.deps.issuanceIntervalMs ?? 0) - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          this.lastRoundAt = performance.now();
          if (this.nextRound === r) this.nextRound = null; // batches from now on form the next round
          return this.issueFor(r.touched, r.markets, r.fees, r.journalSeq);
        })
        .catch((e: unknown) => console.error("[channels] state issuance failed", e));
    }
    const { touched, markets, fees } = round;
    const addFee = (account: string, asset: string, amount: bigint) => {
      if (amount === 0n) return;
      let m = fees.get(account);
      if (!m) fees.set(account, (m = new Map()));
      m.set(asset, (m.get(asset) ?? 0n) + amount);
    };
    for (const entry of batch.entries) {
      for (const e of entry.events) {
        switch (e.type) {
          case "balance":
          case "position":
          case "fundingPayment":
            touched.add(e.account);
            break;
          case "fill": {
            touched.add(e.maker);
            touched.add(e.taker);
            const quote = this.ctx.market(e.market)?.quote;
            if (quote) {
              addFee(e.maker, quote, e.makerFeeQuote);
              addFee(e.taker, quote, e.takerFeeQuote);
            }
            break;
          }
          case "markPrice":
            markets.add(e.market);
            break;
        }
      }
    }
    round.journalSeq = batch.entries[batch.entries.length - 1]!.seq;
    return Promise.resolve();
  }

  /**
   * One issuance round: a constant number of statements whatever the number of channels (the
   * ACTIVE channels and their latest states come from the in-memory registry; one UPDATE and one
   * INSERT in one transaction, repository.commitRound). A stale registry (commitRound refused a
   * version) is reloaded and the round built once more.
   */
  private async issueFor(
    touched: Set<string>,
    markets: Set<string>,
    fees: Map<string, Map<string, bigint>>,
    journalSeq: bigint,
  ): Promise<void> {
    await this.ctx.registry.load();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.issueRound(touched, markets, fees, journalSeq);
      } catch (error) {
        if (!(error instanceof StaleRoundError) || attempt > 0) throw error;
        console.error(`[channels] ${error.message}: registry reloaded, round built again`);
        await this.ctx.registry.reload();
      }
    }
  }

  private async issueRound(
    touched: Set<string>,
    markets: Set<string>,
    fees: Map<string, Map<string, bigint>>,
    journalSeq: bigint,
  ): Promise<void> {
    const { ctx } = this;
    const { registry } = ctx;
    const perpMarkets = [...markets].filter((m) => ctx.market(m)?.kind === "perp");
    const candidates: ActiveChannel[] = [];
    if (perpMarkets.length > 0) {
      // a mark price moves every channel holding a position in that perpetual
      const withPosition = new Set(
        ctx.deps.engine.read((ex) =>
          [...registry.all()]
            .filter((c) => perpMarkets.some((m) => ex.position(c.trader, m).sizeBase !== 0n))
            .map((c) => c.id),
        ),
      );
      for (const c of registry.all()) if (withPosition.has(c.id) || touched.has(c.trader)) candidates.push(c);
    } else {
      for (const account of touched) {
        const c = registry.ofTrader(account);
        if (c) candidates.push(c);
      }
    }
    const chosen = candidates.filter((c) => {
      // a withdrawal or close is being built on the latest state: it goes first, later batches build on it
      if (c.pendingOp !== null && c.pendingVersion === null) return false;
      // a cancelled withdrawal waits for its replacement state to be registered on-chain (then the engine credit comes back)
      if (c.pendingOp === "CANCEL") return false;
      return c.latestIntent !== Intent.CLOSE;
    });
    if (chosen.length === 0) return;
    const built: {
      stored: Omit<StoredState, "createdAt" | "trader">;
      previousVersion: bigint;
      needsTopUp: boolean;
      trader: Address;
    }[] = [];
    for (const channel of chosen) {
      const next = buildState(
        ctx,
        channel,
        channel.funding,
        channel.latestAppData,
        fees.get(channel.trader),
        journalSeq,
        Intent.OPERATE,
      );
      built.push({
        stored: next.stored,
        previousVersion: channel.latestVersion,
        needsTopUp: next.overFunding,
        trader: channel.trader as Address,
      });
    }
    await commitRound(ctx.db, built);
    const now = new Date();
    for (const b of built) {
      registry.advanced(b.stored.state.channelId, b.stored.state.version, b.stored.state.intent, b.stored.appData);
      ctx.feed.publish(b.trader, { ...b.stored, trader: b.trader, createdAt: now });
    }
  }
}
