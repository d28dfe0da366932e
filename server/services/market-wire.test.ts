import { describe, expect, test } from "vitest";
import type { MarketView } from "../../core/market/view";
import { bookUpdateDto } from "./market-data";
import {
  bookUpdateSchema,
  candlesDto,
  candlesSchema,
  marketDto,
  marketSchema,
  tradeDto,
  tradeSchema,
} from "./market-wire";
import { orderResultDto, orderResultSchema } from "./order-wire";

const ETH_PERP: MarketView = {
  symbol: "ETH-PERP",
  kind: "PERP",
  status: "ACTIVE",
  base: { symbol: "WETH", decimals: 18 },
  quote: { symbol: "USDC", decimals: 6 },
  tickSize: 10_000n, // 0.01 USDC
  lotSize: 10n ** 15n, // 0.001 WETH
  minNotional: 10_000_000n,
  maxLeverage: 20,
  initialMarginBps: 500,
  maintenanceMarginBps: 250,
  makerFeePips: 100,
  takerFeePips: 500,
  fundingIntervalSec: 3600,
  fundingCapPips: 1000,
};
const USDC = 1_000_000n;
const WETH = 10n ** 18n;

describe("the market wire (version 1): decimals applied once, whole tokens out", () => {
  test("a market is the catalogue's row with its steps as TokenAmounts and its live figures", () => {
    const dto = marketDto(ETH_PERP, {
      lastPrice: 3_000_500_000n,
      markPrice: 2_999_990_000n,
      indexPrice: null,
      change24h: -1_500_000n,
      volume24h: 12n * WETH + WETH / 1000n,
    });
    expect(marketSchema.parse(dto)).toEqual(dto);
    expect(dto).toMatchObject({
      v: 1,
      base: { symbol: "WETH", decimals: 18 },
      tickSize: { value: "0.01", symbol: "USDC" },
      lotSize: { value: "0.001", symbol: "WETH" },
      minNotional: { value: "10", symbol: "USDC" },
      lastPrice: { value: "3000.5", symbol: "USDC" },
      markPrice: { value: "2999.99", symbol: "USDC" },
      indexPrice: null,
      change24h: { value: "-1.5", symbol: "USDC" },
      volume24h: { value: "12.001", symbol: "WETH" },
    });
  });

  test("a book update: per-lot prices back to per whole token (rounded down), levels as decimal-string tuples", () => {
    const u = bookUpdateDto(ETH_PERP, {
      kind: "diff",
      market: "ETH-PERP",
      seq: 7n,
      timeMs: 1_765_000_000_000n,
      bids: [[3_000_500n, WETH / 2n]], // 3000.5 per WETH
      asks: [
        [3_001_000n, 0n], // removed
        [3_001_001n, 10n ** 15n], // a per-lot price off the grid: 3001.001 per WETH
      ],
    });
    expect(bookUpdateSchema.parse(u)).toEqual(u);
    expect(u).toEqual({
      v: 1,
      kind: "diff",
      market: "ETH-PERP",
      base: "WETH",
      quote: "USDC",
      seq: 7n,
      timeMs: 1_765_000_000_000n,
      bids: [["3000.5", "0.5"]],
      asks: [
        ["3001", "0"],
        ["3001.001", "0.001"],
      ],
    });
  });

  test("candles are tuples under one envelope; a trade is TokenAmounts", () => {
    const c = candlesDto(ETH_PERP, 60, [
      {
        timeMs: 60_000n,
        open: 3_000n * USDC,
        high: 3_010n * USDC,
        low: 2_990_500_000n,
        close: 3_005n * USDC,
        volume: WETH,
        trades: 2,
      },
    ]);
    expect(candlesSchema.parse(c)).toEqual(c);
    expect(c).toEqual({
      v: 1,
      market: "ETH-PERP",
      intervalSec: 60,
      base: "WETH",
      quote: "USDC",
      candles: [[60_000, "3000", "3010", "2990.5", "3005", "1", 2]],
    });
    const t = tradeDto(ETH_PERP, {
      seq: 9n,
      idx: 2,
      price: 3_000n * USDC,
      size: WETH / 4n,
      takerSide: "sell",
      timeMs: 5n,
    });
    expect(tradeSchema.parse(t)).toEqual({
      v: 1,
      id: "9:2",
      seq: 9n,
      market: "ETH-PERP",
      price: { value: "3000", symbol: "USDC" },
      size: { value: "0.25", symbol: "WETH" },
      takerSide: "sell",
      timeMs: 5n,
    });
  });

  test("an order result: sizes in the base asset, fills' price and fee (a rebate negative) in the quote", () => {
    const r = orderResultDto(ETH_PERP, {
      seq: 3n,
      orderId: 11,
      market: "ETH-PERP",
      status: "partiallyFilled",
      doneReason: null,
      filledSize: WETH / 2n,
      remainingSize: WETH / 2n,
      fills: [{ price: 3_000n * USDC, size: WETH / 2n, feeQuote: -150_000n }],
    });
    expect(orderResultSchema.parse(r)).toEqual({
      v: 1,
      seq: 3n,
      orderId: 11,
      market: "ETH-PERP",
      status: "partiallyFilled",
      doneReason: null,
      filledSize: { value: "0.5", symbol: "WETH" },
      remainingSize: { value: "0.5", symbol: "WETH" },
      fills: [
        {
          price: { value: "3000", symbol: "USDC" },
          size: { value: "0.5", symbol: "WETH" },
          fee: { value: "-0.15", symbol: "USDC" },
        },
      ],
    });
  });
});
