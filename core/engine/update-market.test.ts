import { describe, expect, test } from "vitest";
import type { EngineEvent, MarketParamsUpdate, PlaceCommand, UpdateMarketCommand } from "./events";
import { buyLockQuote } from "../fees/fees";
import { Exchange } from "./exchange";
import { ETH_PERP, WETH_USDC } from "./fixtures";
import { checkInvariants } from "./invariants";

const M = "ETH-PERP";
const LOT = 10n ** 15n;
const USDC = (n: number) => BigInt(Math.round(n * 1e6));
const px = (usdPerEth: number) => BigInt(Math.round(usdPerEth * 1000));
const ofType = <T extends EngineEvent["type"]>(events: EngineEvent[], type: T) =>
  events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
const ok = (ex: Exchange) => expect(checkInvariants(ex.snapshot())).toEqual([]);
const update = (market: string, params: MarketParamsUpdate): UpdateMarketCommand => ({
  type: "updateMarket",
  market,
  params,
});
const order = (
  account: string,
  side: "buy" | "sell",
  lots: bigint,
  pricePerLot: bigint,
  extra: Partial<PlaceCommand> = {},
): PlaceCommand => ({
  type: "place",
  account,
  market: M,
  side,
  kind: "limit",
  sizeBase: lots * LOT,
  pricePerLot,
  ...extra,
});

function setup(deposits: Record<string, number>) {
  const ex = Exchange.create([WETH_USDC, ETH_PERP]);
  for (const [who, usdc] of Object.entries(deposits))
    ex.apply({ type: "deposit", account: who, asset: "USDC", amount: USDC(usdc) });
  ex.apply({ type: "markPrice", market: M, indexPerLot: px(3000) });
  return ex;
}

describe("updateMarket", () => {
  test("a fee change applies to the next fill; marketUpdated carries before and after", () => {
    const ex = setup({ alice: 1000, bob: 1000 });
    const events = ex.apply(update(M, { takerFeePips: 1_000n, makerFeePips: -100n }));
    expect(events).toHaveLength(1);
    const [e] = ofType(events, "marketUpdated");
    expect(e).toMatchObject({
      market: M,
      before: { takerFeePips: 500n, makerFeePips: 200n, maintenanceMarginBps: 500n },
      after: { takerFeePips: 1_000n, makerFeePips: -100n, maintenanceMarginBps: 500n },
    });
    ex.apply(order("alice", "sell", 10n, px(3000)));
    const fill = ofType(ex.apply(order("bob", "buy", 10n, px(3000), { tif: "IOC" })), "fill")[0];
    // 30 USDC notional: taker 0.1% = 30_000, maker rebate 0.01% = -3_000
    expect(fill).toMatchObject({ takerFeeQuote: 30_000n, makerFeeQuote: -3_000n });
    ok(ex);
  });

  test("raising maintenance margin liquidates exactly the accounts now below it, every step an event", () => {
    const ex = setup({ alice: 1000, bob: 5, carol: 1000 });
    ex.apply(order("alice", "sell", 10n, px(3000)));
    ex.apply(order("bob", "buy", 10n, px(3000), { tif: "IOC" }));
    ex.apply(order("carol", "buy", 20n, px(2990)));
    // bob: equity ~4.985 USDC on a 30 USDC long; maintenance 20% = 6 USDC
    const events = ex.apply(update(M, { maxLeverage: 4n, initialMarginBps: 2_500n, maintenanceMarginBps: 2_000n }));
    expect(events[0]?.type).toBe("marketUpdated");
    expect(ofType(events, "liquidationStarted").map((e) => e.account)).toEqual(["bob"]);
    expect(ofType(events, "liquidationFinished").map((e) => e.account)).toEqual(["bob"]);
    expect(ofType(events, "fill").every((f) => f.liquidation)).toBe(true);
    expect(ex.position("bob", M).sizeBase).toBe(0n);
    expect(ex.risk("carol", "USDC").maintenanceMarginQuote).toBeGreaterThan(0n);
    ok(ex);
  });

  test("spot: a higher fee tops up resting buys' locks and cancels the one its owner cannot cover", () => {
    const ex = Exchange.create([WETH_USDC]);
    const spot = (account: string, lots: bigint, price: bigint): PlaceCommand => ({
      type: "place",
      account,
      market: "WETH-USDC",
      side: "buy",
      kind: "limit",
      sizeBase: lots * LOT,
      pricePerLot: price,
    });
    ex.apply({ type: "deposit", account: "rich", asset: "USDC", amount: USDC(100) });
    ex.apply(spot("rich", 1n, px(3000)));
    // poor locks everything it has for its order
    const lock = buyLockQuote(1n, px(3000), 500n);
    ex.apply({ type: "deposit", account: "poor", asset: "USDC", amount: lock });
    expect(ofType(ex.apply(spot("poor", 1n, px(3000))), "orderAccepted")).toHaveLength(1);
    expect(ex.balance("poor", "USDC").available).toBe(0n);
    const lockedBefore = ex.balance("rich", "USDC").locked;
    const events = ex.apply(update("WETH-USDC", { takerFeePips: 1_000n }));
    expect(ex.balance("rich", "USDC").locked).toBe(lockedBefore + 1_500n); // 3 USDC notional * 0.05% more
    expect(ex.balance("rich", "USDC").locked).toBe(buyLockQuote(1n, px(3000), 1_000n));
    expect(ofType(events, "orderDone")).toMatchObject([{ account: "poor", reason: "cancelled" }]);
    expect(ex.balance("poor", "USDC")).toEqual({ available: lock, locked: 0n });
    ok(ex);
  });

  test("snapshot and restore carry the new parameters", () => {
    const ex = setup({ alice: 1000 });
    ex.apply(
      update(M, {
        fundingIntervalMs: 3_600_000,
        fundingCapPips: 100n,
        markBandBps: 200n,
        liquidationFeePips: 1_000n,
        minNotionalQuote: 5_000_000n,
      }),
    );
    const rebuilt = Exchange.restore(structuredClone(ex.snapshot()));
    expect(rebuilt.snapshot()).toEqual(ex.snapshot());
    expect(rebuilt.snapshot().markets.find((m) => m.params.symbol === M)?.params).toMatchObject({
      fundingIntervalMs: 3_600_000,
      fundingCapPips: 100n,
      markBandBps: 200n,
      liquidationFeePips: 1_000n,
      minNotionalQuote: 5_000_000n,
    });
    // the new minimum applies to the next order
    expect(ofType(rebuilt.apply(order("alice", "buy", 1n, px(3000))), "rejected")[0]?.code).toBe(
      "NOTIONAL_BELOW_MINIMUM",
    );
  });

  test.each<[string, string, MarketParamsUpdate | Record<string, unknown>, string, Record<string, unknown>]>([
    [
      "tick size is immutable",
      M,
      { tickSizeQuote: 20n },
      "MARKET_PARAM_IMMUTABLE",
      { market: M, field: "tickSizeQuote" },
    ],
    [
      "lot size is immutable",
      M,
      { lotSizeBase: 2n * LOT },
      "MARKET_PARAM_IMMUTABLE",
      { market: M, field: "lotSizeBase" },
    ],
    ["the symbol is immutable", M, { symbol: "X" }, "MARKET_PARAM_IMMUTABLE", { market: M, field: "symbol" }],
    ["unknown market", "NOPE", { takerFeePips: 600n }, "MARKET_NOT_FOUND", { market: "NOPE" }],
    [
      "taker fee must be positive",
      M,
      { takerFeePips: 0n },
      "MARKET_CONFIG_INVALID",
      { market: M, field: "takerFeePips", value: 0n },
    ],
    [
      "a rebate above the taker fee",
      M,
      { makerFeePips: -600n },
      "MARKET_CONFIG_INVALID",
      { market: M, field: "makerFeePips", value: -600n },
    ],
    [
      "maintenance at or above initial",
      M,
      { maintenanceMarginBps: 1_000n },
      "MARKET_CONFIG_INVALID",
      { market: M, field: "maintenanceMarginBps", value: 1_000n },
    ],
    [
      "initial below 1/maxLeverage",
      M,
      { maxLeverage: 20n, initialMarginBps: 400n },
      "MARKET_CONFIG_INVALID",
      { market: M, field: "initialMarginBps", value: 400n },
    ],
    [
      "leverage above 200",
      M,
      { maxLeverage: 201n },
      "MARKET_CONFIG_INVALID",
      { market: M, field: "maxLeverage", value: 201n },
    ],
    [
      "funding interval not positive",
      M,
      { fundingIntervalMs: 0 },
      "MARKET_CONFIG_INVALID",
      { market: M, field: "fundingIntervalMs", value: 0 },
    ],
    [
      "funding cap above 100000",
      M,
      { fundingCapPips: 100_001n },
      "MARKET_CONFIG_INVALID",
      { market: M, field: "fundingCapPips", value: 100_001n },
    ],
    [
      "mark band of 100%",
      M,
      { markBandBps: 10_000n },
      "MARKET_CONFIG_INVALID",
      { market: M, field: "markBandBps", value: 10_000n },
    ],
    [
      "negative liquidation fee",
      M,
      { liquidationFeePips: -1n },
      "MARKET_CONFIG_INVALID",
      { market: M, field: "liquidationFeePips", value: -1n },
    ],
    [
      "negative min notional",
      M,
      { minNotionalQuote: -1n },
      "MARKET_CONFIG_INVALID",
      { market: M, field: "minNotionalQuote", value: -1n },
    ],
    [
      "a number where a bigint belongs",
      M,
      { takerFeePips: 600 },
      "MARKET_CONFIG_INVALID",
      { market: M, field: "takerFeePips", value: "600" },
    ],
    [
      "margins on a spot market",
      "WETH-USDC",
      { maintenanceMarginBps: 100n },
      "PERP_ONLY",
      { market: "WETH-USDC", field: "maintenanceMarginBps" },
    ],
    ["the same values", M, { takerFeePips: 500n, makerFeePips: 200n }, "MARKET_UPDATE_NO_CHANGE", { market: M }],
    ["nothing", M, {}, "MARKET_UPDATE_NO_CHANGE", { market: M }],
  ])("refused, changing nothing: %s", (_case, market, params, code, details) => {
    const ex = setup({ alice: 1000 });
    const before = ex.snapshot();
    const events = ex.apply({ type: "updateMarket", market, params } as UpdateMarketCommand);
    expect(events).toEqual([expect.objectContaining({ type: "rejected", command: "updateMarket", code, details })]);
    expect({ ...ex.snapshot(), commandsApplied: 0 }).toEqual({ ...before, commandsApplied: 0 });
  });
});
