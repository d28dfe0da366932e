import { describe, expect, test } from "vitest";
import { Exchange } from "../engine/exchange";
import { BTC_PERP, ETH_PERP } from "../engine/fixtures";
import { accountSummary, marginCostPerLotUp, maxOrderLots, positionNotional } from "./account-summary";

const params = (m: typeof BTC_PERP) => ({
  initialMarginBps: m.initialMarginBps!,
  maxLeverage: m.maxLeverage!,
  takerFeePips: m.takerFeePips,
});

describe("accountSummary", () => {
  test.each([
    // equity, upnl, initial, maint, withdrawable, notional -> free, withdrawable, leverage bps
    [1_000n, 0n, 0n, 0n, 1_000n, 0n, 1_000n, 1_000n, 0n],
    [1_000n, 50n, 300n, 150n, 650n, 3_000n, 700n, 650n, 30_000n],
    // leverage rounds up: 1000 / 3 = 3333.33… bps
    [3n, 0n, 0n, 0n, 0n, 1n, 3n, 0n, 3_334n],
    // below margin: nothing free, nothing withdrawable, never negative
    [100n, -900n, 300n, 150n, -5n, 3_000n, 0n, 0n, 300_000n],
    // negative equity: no leverage figure
    [-10n, -1_010n, 300n, 150n, 0n, 3_000n, 0n, 0n, null],
  ])("equity %s upnl %s im %s mm %s wd %s notional %s", (eq, upnl, im, mm, wd, notional, free, wdOut, lev) => {
    const s = accountSummary({
      equityQuote: eq,
      unrealizedPnlQuote: upnl,
      initialMarginQuote: im,
      maintenanceMarginQuote: mm,
      withdrawableQuote: wd,
      positionNotionalQuote: notional,
    });
    expect(s.accountValueQuote).toBe(eq);
    expect(s.marginUsedQuote).toBe(im);
    expect(s.freeCollateralQuote).toBe(free);
    expect(s.withdrawableQuote).toBe(wdOut);
    expect(s.crossLeverageBps).toBe(lev);
  });

  test("positionNotional sums |lots| × mark; a missing mark counts zero", () => {
    expect(
      positionNotional([
        { lots: 3n, markPerLot: 10n },
        { lots: -2n, markPerLot: 5n },
        { lots: 7n, markPerLot: null },
      ]),
    ).toBe(40n);
  });
});

describe("maxOrderLots", () => {
  test("per-lot cost: initial margin, the loss through the mark and the fee, each rounded up", () => {
    // BTC-PERP: 5 % initial (20×), 500 pips taker
    const cost = marginCostPerLotUp({ isBuy: true, limitPerLot: 1_010n, markPerLot: 1_000n, params: params(BTC_PERP) });
    expect(cost).toBe(50n + 10n + 1n); // 50 + (1010−1000) + ceil(1010 × 0.0005)
  });

  test.each([1n, 5n, 10n, 20n])("at %s× leverage the engine accepts the size (BTC-PERP, 20× max)", (lev) => {
    const ex = Exchange.create([ETH_PERP, BTC_PERP]);
    ex.apply({ type: "deposit", account: "alice", asset: "USDC", amount: 1_000_000_000n });
    ex.apply({ type: "markPrice", market: "BTC-PERP", indexPerLot: 6_000_000n });
    const risk = ex.risk("alice", "USDC");
    const free = accountSummary({ ...risk, positionNotionalQuote: 0n }).freeCollateralQuote;
    const limit = 6_060_000n; // a buy 1 % through the mark
    const lots = maxOrderLots({
      freeCollateralQuote: free,
      isBuy: true,
      limitPerLot: limit,
      markPerLot: 6_000_000n,
      leverageX: lev,
      params: params(BTC_PERP),
    });
    expect(lots).toBeGreaterThan(0n);
    const events = ex.apply({
      type: "place",
      account: "alice",
      market: "BTC-PERP",
      side: "buy",
      kind: "limit",
      sizeBase: lots * BTC_PERP.lotSizeBase,
      pricePerLot: limit,
    });
    expect(events.find((e) => e.type === "rejected")).toBeUndefined();
    if (lev === 20n) {
      // and the naive 20× size (free × 20 / price) is what the engine refuses
      const ex2 = Exchange.create([ETH_PERP, BTC_PERP]);
      ex2.apply({ type: "deposit", account: "alice", asset: "USDC", amount: 1_000_000_000n });
      ex2.apply({ type: "markPrice", market: "BTC-PERP", indexPerLot: 6_000_000n });
      const naive = (free * 20n) / limit;
      const refused = ex2.apply({
        type: "place",
        account: "alice",
        market: "BTC-PERP",
        side: "buy",
        kind: "limit",
        sizeBase: naive * BTC_PERP.lotSizeBase,
        pricePerLot: limit,
      });
      expect(refused.find((e) => e.type === "rejected")).toMatchObject({ code: "INSUFFICIENT_MARGIN" });
    }
  });

  test("nothing free: zero lots", () => {
    expect(
      maxOrderLots({
        freeCollateralQuote: 0n,
        isBuy: false,
        limitPerLot: 10n,
        markPerLot: 10n,
        leverageX: 5n,
        params: params(BTC_PERP),
      }),
    ).toBe(0n);
  });
});
