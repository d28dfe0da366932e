/**
 * The demo venue's market maker: keeps `levels` resting orders a side on each listed market,
 * spaced `stepBps` around a fixed mid, and tops up any the market took (every `intervalMs`).
 * Its orders go through the same path as a peer's (engine-bridge.ts), so a fill against a
 * peer's resting order sends that peer its notice in the same journal batch.
 */
import type { Command } from "../../core/engine";
import { priceToPerLot } from "../engine/market-config";
import type { NodeContext } from "./context";
import { submitWithChange } from "./engine-bridge";
import { emptyChange } from "./ledger";
import { noticesOf } from "./orders";
import { RpcKind } from "../../core/clearing";

export interface BotOptions {
  levels: number;
  stepBps: bigint;
  /** base units per order, in lots of the market */
  lots: bigint;
}

const DEFAULTS: BotOptions = { levels: 3, stepBps: 10n, lots: 100n };

export function startBot(ctx: NodeContext, options: BotOptions = DEFAULTS): { stop(): Promise<void> } {
  const { config } = ctx;
  let stopped = false;
  let counter = 0;
  const nonce = Date.now().toString(36);
  let running: Promise<void> = Promise.resolve();

  const submit = (command: Command) => {
    const id = `bot:${nonce}:${counter++}`;
    return ctx.lock.run(() =>
      submitWithChange(ctx, {
        account: config.account,
        key: id,
        requestHash: id,
        command,
        build: (entry) => {
          const change = emptyChange();
          for (const n of noticesOf(entry.seq, entry.events, ctx.hosted, null)) {
            ctx.ledger.send(change, n.peer, RpcKind.notifyOrderUpdate, n.body, ctx.nowMs());
            change.orders.push(n.order);
          }
          return change;
        },
      }).then((change) => {
        for (const p of change.peers) ctx.wake(p.address);
      }),
    );
  };

  const tick = async () => {
    for (const symbol of config.markets) {
      const view = ctx.engine.market(symbol);
      if (!view) continue;
      const mine = ctx.engine.read((ex) => ex.openOrders(config.account)).filter((o) => o.market === symbol);
      for (let i = 1; i <= options.levels; i++)
        for (const side of ["buy", "sell"] as const) {
          const offset = (config.bot.midPerWhole * options.stepBps * BigInt(i)) / 10_000n;
          const whole = side === "buy" ? config.bot.midPerWhole - offset : config.bot.midPerWhole + offset;
          const onTick = (whole / view.tickSize) * view.tickSize;
          const pricePerLot = priceToPerLot(view, onTick);
          if (mine.some((o) => o.side === side && o.pricePerLot === pricePerLot)) continue;
          if (stopped) return;
          await submit({
            type: "place",
            account: config.account,
            market: symbol,
            side,
            kind: "limit",
            sizeBase: options.lots * view.lotSize,
            pricePerLot,
            tif: "GTC",
            postOnly: true,
          });
        }
    }
  };

  const loop = () => {
    if (stopped) return;
    running = tick()
      .catch((error: unknown) => console.error("[broker-node] bot:", error))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, config.bot.intervalMs);
      });
  };
  let timer: NodeJS.Timeout = setTimeout(loop, 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
