/** Exchange top-ups: a RESIZE adding the exchange's custody tokens to a channel whose trader's equity outgrew its funding. */
import type { Address, Hex } from "viem";
import { assertConserves, bytesToHex, Intent, validateState, type ChannelState } from "../../core/channel";
import { BPS, notFound, type ChannelContext } from "./context";
import {
  fundingColumns,
  fundingFromRow,
  releasePendingLock,
  reservedForOpening,
  stateFromRow,
  stateRowData,
  takePendingLock,
} from "./repository";
import { traderEquity } from "./state-builder";
import { TOP_UP_ALERT, type TopUpOutcome } from "./types";

export class TopUps {
  /** top-ups started by a co-signature and not finished yet, by channel id */
  private readonly inFlight = new Map<string, Promise<TopUpOutcome>>();

  constructor(private readonly ctx: ChannelContext) {}

  /** Runs `request` for the channel in the background (once at a time per channel); `settled()` waits for it. */
  start(channelId: string): void {
    const id = channelId.toLowerCase();
    if (this.inFlight.has(id)) return;
    const run = this.request(id)
      .catch((error: unknown): TopUpOutcome => {
        console.error(`[channels] top-up of ${id} failed`, error);
        return { kind: "waiting", reason: error instanceof Error ? error.message : String(error) };
      })
      .finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, run);
  }

  /** Resolves once every top-up started in the background so far has finished. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /**
   * Exchange top-up of a channel whose trader's equity went above its funding (`needsTopUp`):
   * a RESIZE state, built on the latest state (which must be co-signed: the contract's resize
   * needs its predecessor co-signed, and the app co-signs only the latest state and a pending
   * RESIZE), that keeps every trader amount and raises the exchange's amount per token by
   *   wanted = equity × (10 000 + coverageBps) / 10 000 − funding   (rounded down)
   * — the coverage the exchange would lock opening a channel with that equity — bounded by the
   * exchange's free custody balance minus what is promised already (reservedForOpening: OPENING
   * channels and other pending top-ups). Balance read, amount promised and state stored run under
   * the coverage lock (so a fee withdrawal or an open cannot take the same tokens) and under the
   * channel's pending-operation lock (RESIZE, as a withdrawal: one pending resize per channel).
   * The trader co-signs it like any new state; the service submits `resize` once co-signed (the
   * exchange's tokens move from its custody account into the channel); the custody sink's
   * ChannelResized releases the lock and clears `needsTopUp`. The trader amounts stay as they
   * were, so the trader adds nothing and takes nothing out: the next state gives them their
   * equity within the larger funding. A short balance is written to the channel's alert.
   */
  async request(channelId: string): Promise<TopUpOutcome> {
    const { ctx } = this;
    const { db } = ctx;
    const id = channelId.toLowerCase();
    return ctx.coverageLock.run(async () => {
      const channel = await db.channel.findUnique({ where: { id } });
      if (!channel) notFound(`no channel ${channelId}`, { channelId });
      if (channel.status !== "ACTIVE") return { kind: "waiting", reason: `channel ${id} is ${channel.status}` };
      if (!(await takePendingLock(db, id, "RESIZE")))
        return { kind: "waiting", reason: `channel ${id} has a pending ${channel.pendingOp ?? "operation"}` };
      await ctx.channelChanged(id); // issuance skips the channel from now on
      let issued = false;
      try {
        // the free balance per token that may need coverage, read before the serial queue (chain reads must not hold up issuance)
        const account = channel.trader;
        const funding = fundingFromRow(channel);
        const over = ctx.deps.engine.read((ex) =>
          funding.filter((f) => traderEquity(ex, account, ctx.asset(f.token).symbol) > f.total),
        );
        const free = new Map<string, { available: bigint; reserved: bigint }>();
        for (const f of over) {
          const token = f.token.toLowerCase();
          const [available, reserved] = await Promise.all([
            ctx.deps.chain.exchangeAvailable(token as Address),
            reservedForOpening(db, token, new Date(ctx.clock())),
          ]);
          free.set(token, { available, reserved });
        }
        const outcome = await ctx.serial(() => this.issue(id, free));
        issued = outcome.kind === "issued";
        return outcome;
      } finally {
        if (!issued) {
          await releasePendingLock(db, id, "RESIZE");
          await ctx.channelChanged(id);
        }
      }
    });
  }

  /** The top-up's state, under the serial queue (`request` holds the coverage and pending locks). */
  private async issue(id: string, free: Map<string, { available: bigint; reserved: bigint }>): Promise<TopUpOutcome> {
    const { ctx } = this;
    const { db, deps } = ctx;
    const channel = await db.channel.findUniqueOrThrow({ where: { id } });
    const latest = stateFromRow(
      await db.channelState.findUniqueOrThrow({
        where: { channelId_version: { channelId: id, version: channel.latestVersion } },
      }),
      channel.trader as Address,
    );
    if (latest.traderSignature === null) {
      return {
        kind: "waiting",
        reason: `the trader has not co-signed v${channel.latestVersion}: a top-up is built on a co-signed state (tried again at the next co-signature)`,
      };
    }
    const topUps: { token: Address; amount: bigint; wanted: bigint }[] = [];
    const shortfalls: string[] = [];
    deps.engine.read((ex) => {
      for (const a of latest.state.allocations) {
        const total = a.traderAmount + a.exchangeAmount;
        const equity = traderEquity(ex, channel.trader, ctx.asset(a.token).symbol);
        if (equity <= total) continue;
        const wanted = (equity * (BPS + deps.coverageBps)) / BPS - total;
        const f = free.get(a.token.toLowerCase()) ?? { available: 0n, reserved: 0n };
        const freeAmount = f.available > f.reserved ? f.available - f.reserved : 0n;
        const amount = wanted < freeAmount ? wanted : freeAmount;
        if (amount < wanted) {
          shortfalls.push(
            `${ctx.asset(a.token).symbol} wanted ${wanted}, free ${freeAmount} (custody balance ${f.available} − ${f.reserved} promised to openings and top-ups)`,
          );
        }
        if (amount > 0n) topUps.push({ token: a.token, amount, wanted });
      }
    });
    const keepAlert = channel.alert !== null && !channel.alert.startsWith(TOP_UP_ALERT);
    if (topUps.length === 0 && shortfalls.length === 0) {
      await db.channel.update({ where: { id }, data: { needsTopUp: false, ...(keepAlert ? {} : { alert: null }) } });
      return { kind: "notNeeded" };
    }
    const short =
      shortfalls.length === 0
        ? null
        : `${TOP_UP_ALERT} the exchange's free custody balance does not cover channel ${id}: ${shortfalls.join("; ")}`;
    if (topUps.length === 0) {
      if (!keepAlert && channel.alert !== short) {
        console.error(`channel ${id}: ${short}`);
        await db.channel.update({ where: { id }, data: { alert: short } });
      }
      return { kind: "short", reason: short! };
    }
    const added = new Map(topUps.map((t) => [t.token.toLowerCase(), t.amount]));
    const allocations = latest.state.allocations.map((a) => ({
      token: a.token,
      traderAmount: a.traderAmount,
      exchangeAmount: a.exchangeAmount + (added.get(a.token.toLowerCase()) ?? 0n),
    }));
    const funding = allocations.map((a) => ({ token: a.token, total: a.traderAmount + a.exchangeAmount }));
    // the app data stays the predecessor's: it explains the trader amounts, which do not change
    const state: ChannelState = {
      channelId: id as Hex,
      version: latest.state.version + 1n,
      intent: Intent.RESIZE,
      allocations,
      appDataHash: latest.state.appDataHash,
    };
    assertConserves(state, funding);
    validateState(state);
    const { signature, digest } = deps.signer.sign(deps.domain, state);
    const stored = {
      state,
      appData: latest.appData,
      stateHash: bytesToHex(digest),
      exchangeSignature: signature,
      traderSignature: null,
    };
    await db.$transaction([
      db.channelState.createMany({ data: [stateRowData(stored)] }),
      db.channel.update({
        where: { id },
        data: {
          latestVersion: state.version,
          pendingVersion: state.version,
          pendingDebits: [],
          ...fundingColumns(funding),
          ...(keepAlert ? {} : { alert: short }),
        },
      }),
    ]);
    if (short) console.error(`channel ${id}: ${short}`);
    await ctx.channelChanged(id);
    ctx.feed.publish(channel.trader, { ...stored, trader: channel.trader as Address, createdAt: new Date() });
    return { kind: "issued", version: state.version, topUps, short };
  }
}
