import { describe, expect, it } from "vitest";
import type { Address } from "viem";
import type { EngineEvent } from "../../core/engine";
import type { MarketView } from "../../core/market/view";
import type { OrderRow } from "./ledger";
import { limitPrice, noticesOf, planCreate } from "./orders";

const PEER = "0x976ea74026e726554db657fa54763abd0c3a0aa9" as Address;
const WETH_USDC = {
  symbol: "WETH-USDC",
  kind: "SPOT",
  status: "ACTIVE",
  base: { symbol: "WETH", decimals: 18 },
  quote: { symbol: "USDC", decimals: 6 },
  tickSize: 10_000n,
  lotSize: 10n ** 14n,
  minNotional: 10_000_000n,
} as unknown as MarketView;
const ASSETS = [
  { symbol: "WETH", decimals: 18, token: "0x00000000000000000000000000000000000000e1" as Address },
  { symbol: "USDC", decimals: 6, token: "0x00000000000000000000000000000000000000c1" as Address },
];

describe("remote orders on the engine", () => {
  it("turns a total limit into a per-whole price on the tick: buys down, sells up", () => {
    // 0.01 WETH for at most 30.0349 USDC → 3003.49 per WETH → 3003.49 (on the 0.01 tick)
    expect(limitPrice(WETH_USDC, "buy", 10n ** 16n, 30_034_900n)).toBe(3_003_490_000n);
    expect(limitPrice(WETH_USDC, "buy", 10n ** 16n, 30_034_999n)).toBe(3_003_490_000n);
    expect(limitPrice(WETH_USDC, "sell", 10n ** 16n, 30_034_901n)).toBe(3_003_500_000n);
  });

  it("refuses an unlisted market, foreign assets and off-lot sizes", () => {
    const body = {
      orderId: "a-1",
      market: "WETH-USDC",
      base: { chainId: 31337n, token: ASSETS[0]!.token },
      quote: { chainId: 31337n, token: ASSETS[1]!.token },
      side: "buy" as const,
      baseAmount: 10n ** 16n,
      quoteLimit: 30_000_000n,
      tif: "GTC" as const,
    };
    expect(planCreate(body, PEER, null, ASSETS)).toMatchObject({ ok: false, reason: /not listed/ });
    expect(planCreate({ ...body, quote: body.base }, PEER, WETH_USDC, ASSETS)).toMatchObject({ ok: false });
    expect(planCreate({ ...body, baseAmount: 10n ** 16n + 1n }, PEER, WETH_USDC, ASSETS)).toMatchObject({
      ok: false,
      reason: /lot/,
    });
    expect(planCreate(body, PEER, WETH_USDC, ASSETS)).toMatchObject({
      ok: true,
      command: { type: "place", side: "buy", sizeBase: 10n ** 16n, pricePerLot: 300_000n, tif: "GTC" },
    });
  });

  it("owes the creator accepted, each fill with the remaining size, and a cancel of the rest", () => {
    const hosted = new Map<number, OrderRow>();
    const created = { peer: PEER, orderId: "a-1", role: "host" as const, market: "WETH-USDC", side: "buy" as const };
    const fill = (size: bigint) =>
      ({
        type: "fill",
        market: "WETH-USDC",
        pricePerLot: 300_000n,
        sizeBase: size,
        notionalQuote: (size / 10n ** 14n) * 300_000n,
        takerSide: "buy",
        makerOrderId: 1,
        takerOrderId: 7,
        maker: "0xmaker",
        taker: "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
        makerFeeQuote: 0n,
        takerFeeQuote: 0n,
        liquidation: false,
      }) as EngineEvent;
    const events = [
      {
        type: "orderAccepted",
        orderId: 7,
        account: "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
        sizeBase: 3n * 10n ** 14n,
      },
      fill(10n ** 14n),
      { type: "orderDone", orderId: 7, reason: "expired", remainingBase: 2n * 10n ** 14n, filledBase: 10n ** 14n },
    ] as EngineEvent[];
    const notices = noticesOf(5n, events, hosted, created);
    expect(notices.map((n) => n.body)).toEqual([
      { orderId: "a-1", update: "accepted", remainingBase: 3n * 10n ** 14n },
      {
        orderId: "a-1",
        update: "fill",
        tradeId: "5:1",
        baseAmount: 10n ** 14n,
        quoteAmount: 300_000n,
        remainingBase: 2n * 10n ** 14n,
        stateVersion: 0n,
      },
      { orderId: "a-1", update: "cancelled", remainingBase: 2n * 10n ** 14n },
    ]);
    expect(notices.at(-1)!.order.status).toBe("cancelled");
    expect(hosted.size).toBe(0);
  });
});
