/**
 * The crossing order mix both end-to-end benches send on WETH-USDC, in groups of four: a maker
 * sell and a maker buy resting (GTC) 1–5 ticks either side of 3000, then a taker buy and a taker
 * sell (IOC) 20 ticks through the mid — so most takers fill against a resting maker and the
 * book keeps changing. Bodies are prepared before a timed run.
 */
import { TrpcHttp } from "./trpc-http";
import type { LoadRequest } from "./load";

export const MARKET = "WETH-USDC";
export const WETH = 10n ** 18n;
export const USDC = 10n ** 6n;
const MID = 3000n * USDC; // price per whole WETH, quote base units
const TICK = USDC / 100n; // 0.01 USDC
const SIZE = WETH / 100n; // 0.01 WETH: 30 USDC notional

/** Orders `from`..`from+count-1` of the mix; makers and takers are session cookies (distinct accounts: no self-trades). */
export function crossingOrders(
  makers: readonly string[],
  takers: readonly string[],
  count: number,
  tag: string,
  from: number,
): LoadRequest[] {
  const out: LoadRequest[] = [];
  for (let n = 0; n < count; n++) {
    const i = from + n;
    const g = Math.floor(i / 4);
    const k = BigInt(1 + (g % 5));
    const kind = i % 4;
    const maker = kind < 2;
    const cookie = maker ? makers[g % makers.length]! : takers[g % takers.length]!;
    const side = kind === 0 || kind === 3 ? "sell" : "buy";
    const price = maker
      ? side === "sell"
        ? MID + k * TICK
        : MID - k * TICK
      : side === "buy"
        ? MID + 20n * TICK
        : MID - 20n * TICK;
    const input = {
      idempotencyKey: `bench-${tag}-${i}`,
      market: MARKET,
      side,
      type: "limit",
      size: SIZE,
      price,
      timeInForce: maker ? "GTC" : "IOC",
    };
    out.push({ path: "orders.place", body: TrpcHttp.body(input), cookie });
  }
  return out;
}

/**
 * Orders that only rest (GTC, never crossing): alternately a buy and a sell 1–25 ticks either
 * side of 3000, so every order changes the book (the SSE bench: with the crossing mix a maker
 * and the taker that takes it often land in the same 100 ms flush and leave no diff).
 */
export function restingOrders(maker: string, count: number, tag: string, from: number): LoadRequest[] {
  const out: LoadRequest[] = [];
  for (let n = 0; n < count; n++) {
    const i = from + n;
    const side = i % 2 === 0 ? "buy" : "sell";
    const k = BigInt(1 + (Math.floor(i / 2) % 25));
    const price = side === "sell" ? MID + k * TICK : MID - k * TICK;
    const input = {
      idempotencyKey: `rest-${tag}-${i}`,
      market: MARKET,
      side,
      type: "limit",
      size: SIZE,
      price,
      timeInForce: "GTC",
    };
    out.push({ path: "orders.place", body: TrpcHttp.body(input), cookie: maker });
  }
  return out;
}
