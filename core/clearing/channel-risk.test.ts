import { keccak256, toHex } from "viem";
import { describe, expect, it } from "vitest";
import { ClearlineError } from "../errors";
import { OrderSide, type B2BAppData } from "./app-data-types";
import { assessChannelRisk, type ChannelRiskContext } from "./channel-risk";
import { netLiabilities } from "./netting";
import { A, B, ETH, fills, marksAfterMove, pair, params, units, usdE18, USDC, WBTC } from "./seed-002.test-util";
import { DEFAULT_THRESHOLDS } from "./zones";

const BTC_USDC = keccak256(toHex("btc/usdc"));
const context: ChannelRiskContext = { pair, assets: params, markets: [{ market: BTC_USDC, base: WBTC, quote: USDC }] };

/** Seed 002 after the move; A has 3,000 USDC locked (and 10,000 merely available), B 2,000 USDC. */
const appData: B2BAppData = {
  thresholds: DEFAULT_THRESHOLDS,
  bu: [],
  oos: [],
  cl: [
    { broker: A, chainId: 1n, token: USDC.token, available: units(USDC, "10000"), locked: units(USDC, "3000") },
    { broker: B, chainId: 1n, token: USDC.token, available: 0n, locked: units(USDC, "2000") },
  ],
  liabilities: netLiabilities(pair, fills),
  marks: marksAfterMove,
  rpc: [],
};

describe("assessChannelRisk", () => {
  it("seed 002 with collateral: A's 2,487.05 against 2,999.19 is orange (8,293 bps), B's 1,487.05 against 1,999.46 green", () => {
    const [aOwes, bOwes] = assessChannelRisk(appData, context);
    expect(aOwes.exposure.exposureUsdE18).toBe(usdE18("2487.05"));
    // only the locked 3,000 counts, ×(1 − 0.027%)
    expect(aOwes.collateral).toStrictEqual({
      broker: A,
      valueUsdE18: usdE18("3000"),
      stressedUsdE18: usdE18("2999.19"),
    });
    expect(aOwes.utilisationBps).toBe(8_293n);
    expect(aOwes.zone).toBe("orange");
    expect(aOwes.filledZone).toBe("orange");
    expect(bOwes.exposure.exposureUsdE18).toBe(usdE18("1487.05"));
    expect(bOwes.collateral.stressedUsdE18).toBe(usdE18("1999.46"));
    expect(bOwes.utilisationBps).toBe(7_438n);
    expect(bOwes.zone).toBe("green");
  });

  it("open orders count in the zone, and the filled zone is reported beside it", () => {
    const withOrder: B2BAppData = {
      ...appData,
      oos: [
        {
          host: A,
          holder: B,
          market: BTC_USDC,
          side: OrderSide.BUY,
          avgBaseAmount: units(WBTC, "0.01"),
          minPrice: units(USDC, "50000"),
          maxPrice: units(USDC, "50000"),
          avgQuoteAmount: units(USDC, "500"),
        },
      ],
    };
    const [aOwes, bOwes] = assessChannelRisk(withOrder, context);
    // B buying 0.01 BTC from A: A pays 0.01 BTC ×52,500×1.0209 = 535.9725, receives 500 USDC ×0.99973 = 499.865
    expect(aOwes.openOrders.addOnUsdE18).toBe(usdE18("36.1075"));
    expect(aOwes.worstCaseExposureUsdE18).toBe(usdE18("2523.1575"));
    expect(aOwes.filledZone).toBe("orange");
    expect(aOwes.zone).toBe("orange");
    // for B, paying 500 USDC (500.135) for 0.01 BTC (514.0275 at ×0.9791) cannot add exposure
    expect(bOwes.openOrders.addOnUsdE18).toBe(0n);
  });

  it("zero collateral against a positive exposure is stop; a crossed threshold moves the zone", () => {
    const [aOwes, bOwes] = assessChannelRisk({ ...appData, cl: [] }, context);
    expect(aOwes.utilisationBps).toBeNull();
    expect(aOwes.zone).toBe("stop");
    expect(bOwes.zone).toBe("stop");
    const [strict] = assessChannelRisk(
      { ...appData, thresholds: { orangeBps: 7_000, redBps: 8_000, stopBps: 8_293 } },
      context,
    );
    expect(strict.zone).toBe("stop");
    const [lenient] = assessChannelRisk(
      { ...appData, thresholds: { orangeBps: 8_294, redBps: 9_000, stopBps: 9_500 } },
      context,
    );
    expect(lenient.zone).toBe("green");
  });

  it("no liabilities: no exposure, green even without collateral", () => {
    const [aOwes, bOwes] = assessChannelRisk({ ...appData, liabilities: [], cl: [] }, context);
    expect(aOwes.utilisationBps).toBe(0n);
    expect([aOwes.zone, bOwes.zone]).toStrictEqual(["green", "green"]);
    expect(aOwes.exposure.oldestMarkTimestamp).toBeNull();
  });

  it("refuses malformed app data and unpriced assets", () => {
    expect(() =>
      assessChannelRisk({ ...appData, thresholds: { orangeBps: 9_000, redBps: 8_000, stopBps: 9_500 } }, context),
    ).toThrow(ClearlineError);
    expect(() =>
      assessChannelRisk({ ...appData, marks: marksAfterMove.filter((m) => m.token !== ETH.token) }, context),
    ).toThrow(expect.objectContaining({ code: "MARK_PRICE_UNAVAILABLE" }));
  });
});
