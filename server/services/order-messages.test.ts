import { describe, expect, test } from "vitest";
import { ClearlineError } from "../../core/errors";
import type { MarketView } from "../../core/market/view";
import { humanMessage, inWholeTokens } from "./order-messages";

const WETH_USDC: MarketView = {
  symbol: "WETH-USDC",
  kind: "SPOT",
  status: "ACTIVE",
  base: { symbol: "WETH", decimals: 18 },
  quote: { symbol: "USDC", decimals: 6 },
  tickSize: 10_000n,
  lotSize: 10n ** 15n,
  minNotional: 1_000_000n,
  maxLeverage: 1,
  initialMarginBps: 10_000,
  maintenanceMarginBps: 10_000,
  makerFeePips: 100,
  takerFeePips: 500,
  fundingIntervalSec: null,
  fundingCapPips: null,
};

describe("order refusals in whole tokens (issue 21: 'needs 1000000000000000000 WETH')", () => {
  test.each([
    [
      "INSUFFICIENT_BALANCE",
      { asset: "WETH", available: 5n * 10n ** 17n, required: 10n ** 18n },
      "This order needs 1 WETH available; you have 0.5 WETH.",
    ],
    [
      "INSUFFICIENT_BALANCE",
      { asset: "USDC", available: 0n, required: 3_001_500_000n },
      "This order needs 3,001.5 USDC available; you have 0 USDC.",
    ],
    [
      "INSUFFICIENT_MARGIN",
      { market: "WETH-USDC", equity: 100_000_000n, required: 250_000_000n },
      "This order needs 250 USDC of margin, fee and price gap; your account value is 100 USDC.",
    ],
    [
      "NOTIONAL_BELOW_MINIMUM",
      { notional: 300_000n, minimum: 1_000_000n },
      "The order's value 0.3 USDC is below the minimum of 1 USDC.",
    ],
    [
      "INSUFFICIENT_MARGIN",
      { market: "WETH-USDC", equity: 20_000_000_000n, required: 15_200_246_996_010n },
      "This order needs 15,200,246.99601 USDC of margin, fee and price gap; your account value is 20,000 USDC.",
    ],
    [
      "SIZE_NOT_ON_LOT",
      { size: 15n * 10n ** 14n, lot: 10n ** 15n },
      "Size 0.0015 WETH is not a multiple of the lot 0.001 WETH.",
    ],
    [
      // per-lot prices (0.001 WETH lots): 2900 USDC/WETH is 2.9 USDC per lot
      "STOP_WRONG_SIDE",
      { side: "buy", trigger: 2_900_000n, price: 3_000_000n, source: "mark" },
      "A buy stop at 2,900 USDC per WETH would fire at once: the mark price is 3,000 USDC per WETH. A buy stop must be above it.",
    ],
  ])("%s %o", (code, details, message) => {
    expect(humanMessage(code, details, WETH_USDC)).toBe(message);
  });

  test("no base-unit figure survives in a re-worded message", () => {
    const m = humanMessage("INSUFFICIENT_BALANCE", { asset: "WETH", available: 0n, required: 10n ** 18n }, WETH_USDC);
    expect(m).not.toMatch(/\d{10,}/);
  });

  test("other codes keep the engine's message; details keep base units", () => {
    expect(humanMessage("ORDER_NOT_FOUND", { orderId: 3 }, WETH_USDC)).toBeNull();
    const e = new ClearlineError("INSUFFICIENT_BALANCE", "needs 1000000000000000000 WETH available", {
      asset: "WETH",
      available: 0n,
      required: 10n ** 18n,
    });
    expect(() => inWholeTokens(e, WETH_USDC)).toThrow(/needs 1 WETH available/);
    try {
      inWholeTokens(e, WETH_USDC);
    } catch (thrown) {
      expect((thrown as ClearlineError).details.required).toBe(10n ** 18n);
      expect((thrown as ClearlineError).code).toBe("INSUFFICIENT_BALANCE");
    }
    expect(() => inWholeTokens(e, null)).toThrow(/1000000000000000000/);
  });
});
