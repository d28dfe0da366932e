import { describe, expect, test } from "vitest";
import type { EngineEvent } from "../engine/events";
import { Exchange } from "../engine/exchange";
import { ETH_PERP } from "../engine/fixtures";
import { initialMarginUp, orderMarginPreview } from "./order-preview";

describe("initialMarginUp", () => {
  test.each([
    // notional, initial bps, max leverage, margin
    [3_000_000n, 1_000n, 10n, 300_000n],
    [3_000_001n, 1_000n, 10n, 300_001n], // rounded up
    [3_000_000n, 1_000n, 8n, 375_000n], // 1 / 8 = 1,250 bps is above the initial rate
    [0n, 1_000n, 10n, 0n],
  ])("%s at %s bps, %sx -> %s", (notional, bps, lev, margin) => {
    expect(initialMarginUp(notional, { initialMarginBps: bps, maxLeverage: lev })).toBe(margin);
  });
});

describe("orderMarginPreview", () => {
  const params = { initialMarginBps: 1_000n, maxLeverage: 10n, takerFeePips: 500n };
  test("a buy above the mark counts the loss to the mark and the fee at the limit", () => {
    expect(
      orderMarginPreview({ isBuy: true, lots: 10n, limitPerLot: 3_100_000n, markPerLot: 3_000_000n, params }),
    ).toEqual({
      initialMarginQuote: 3_000_000n,
      executionLossQuote: 1_000_000n,
      feeQuote: 15_500n,
      requiredQuote: 4_015_500n,
    });
  });
  test("a sell above the mark loses nothing against it; reduce-only asks no initial margin", () => {
    expect(
      orderMarginPreview({
        isBuy: false,
        lots: 3n,
        limitPerLot: 3_000_010n,
        markPerLot: 3_000_000n,
        reduceOnly: true,
        params,
      }),
    ).toEqual({ initialMarginQuote: 0n, executionLossQuote: 0n, feeQuote: 4_501n, requiredQuote: 4_501n });
  });
});

/** The engine accepts the order with exactly `required` of collateral and refuses it with one unit less. */
describe("orderMarginPreview is the engine's pre-trade check", () => {
  const LOT = ETH_PERP.lotSizeBase;
  const MARK = 3_000_000n; // per lot of 0.001 ETH: 3,000 USDC per ETH
  test.each([
    ["buy", 7n, 3_000_000n, 1_000n, 10n],
    ["buy", 7n, 3_050_000n, 1_000n, 10n],
    ["sell", 5n, 2_900_000n, 1_000n, 10n],
    ["sell", 5n, 3_100_000n, 2_000n, 8n],
    ["buy", 1n, 2_999_990n, 3_334n, 3n],
  ] as const)(
    "%s %s lots at %s per lot, %s bps initial, %sx",
    (side, lots, limitPerLot, initialMarginBps, maxLeverage) => {
      const market = { ...ETH_PERP, initialMarginBps, maxLeverage };
      const { requiredQuote } = orderMarginPreview({
        isBuy: side === "buy",
        lots,
        limitPerLot,
        markPerLot: MARK,
        params: { initialMarginBps, maxLeverage, takerFeePips: market.takerFeePips },
      });
      const outcome = (collateral: bigint) => {
        const ex = Exchange.create([market]);
        ex.apply({ type: "markPrice", market: market.symbol, indexPerLot: MARK });
        ex.apply({ type: "deposit", account: "alice", asset: "USDC", amount: collateral });
        const events: EngineEvent[] = ex.apply({
          type: "place",
          account: "alice",
          market: market.symbol,
          side,
          kind: "limit",
          sizeBase: lots * LOT,
          pricePerLot: limitPerLot,
        });
        const refused = events.find((e) => e.type === "rejected");
        return refused?.type === "rejected" ? refused.code : "accepted";
      };
      expect(outcome(requiredQuote)).toBe("accepted");
      expect(outcome(requiredQuote - 1n)).toBe("INSUFFICIENT_MARGIN");
    },
  );
});
