import { describe, expect, test } from "vitest";
import { fundingPayment, fundingRatePips } from "./funding";
import { deleveragePrice, insuredClosePrice } from "./liquidation";
import { boundedMark } from "./mark";
import { applyTrade } from "./position";

describe("boundedMark", () => {
  test.each([
    // index, bid, ask, band bps, mark
    [3_000_000n, 2_999_000n, 3_001_000n, 500n, 3_000_000n],
    [3_000_000n, 3_010_000n, 3_020_000n, 500n, 3_010_000n],
    [3_000_000n, 9_000_000n, 9_100_000n, 500n, 3_150_000n],
    [3_000_000n, 10n, 20n, 500n, 2_850_000n],
    [3_000_000n, null, null, 500n, 3_000_000n],
    [3_000_000n, 3_100_000n, null, 0n, 3_000_000n],
  ])("index %s bid %s ask %s band %s -> %s", (index, bid, ask, band, mark) => {
    expect(boundedMark(index, bid, ask, band)).toBe(mark);
  });
});

describe("funding", () => {
  test.each([
    [3_030_000n, 3_000_000n, 750n, 750n],
    [3_000_300n, 3_000_000n, 750n, 100n],
    [2_999_999n, 3_000_000n, 750n, 0n],
    [2_700_000n, 3_000_000n, 750n, -750n],
  ])("rate of mark %s index %s cap %s is %s pips", (mark, index, cap, rate) => {
    expect(fundingRatePips(mark, index, cap)).toBe(rate);
  });

  test.each([
    // lots, mark, rate, payment (+ receives)
    [7n, 3_030_000n, 750n, -15_908n],
    [-7n, 3_030_000n, 750n, 15_907n],
    [7n, 3_030_000n, -750n, 15_907n],
    [1n, 1n, 1n, -1n],
    [-1n, 1n, 1n, 0n],
  ])("%s lots at %s and %s pips pays %s", (lots, mark, rate, amount) => {
    expect(fundingPayment(lots, mark, rate)).toBe(amount);
  });
});

describe("positions", () => {
  test("average entry, partial close rounding and flips", () => {
    const p = { lots: 0n, entryQuote: 0n, realizedPnlQuote: 0n };
    applyTrade(p, 3n, 100n);
    applyTrade(p, 3n, 101n);
    expect(p).toEqual({ lots: 6n, entryQuote: 603n, realizedPnlQuote: 0n });
    // closing 1 of 6 removes floor(603/6) = 100 of entry from a long
    expect(applyTrade(p, -1n, 110n)).toBe(10n);
    expect(p.entryQuote).toBe(503n);
    applyTrade(p, -8n, 90n); // close 5, open 3 short
    expect(p).toMatchObject({ lots: -3n, entryQuote: -270n });
  });
});

describe("liquidation prices", () => {
  test.each([
    // lots, rest equity, insurance, insured close price
    [10n, -25_015_000n, 0n, 2_501_500n],
    [10n, -25_015_000n, 1_000_000n, 2_401_500n],
    [10n, -25_015_001n, 0n, 2_501_501n],
    [-10n, 35_000_000n, 0n, 3_500_000n],
    [-10n, 35_000_009n, 0n, 3_500_000n],
  ])("%s lots, rest %s, fund %s -> %s", (lots, rest, fund, price) => {
    expect(insuredClosePrice(lots, rest, fund)).toBe(price);
  });

  test("ADL trades at the mark while the fund covers the loss, beyond only for the uncovered part", () => {
    expect(deleveragePrice(10n, 2_400_000n, -25_015_000n, 10_000_000n)).toBe(2_400_000n);
    expect(deleveragePrice(10n, 2_400_000n, -25_015_000n, 1_000_000n)).toBe(2_401_500n);
    expect(deleveragePrice(-10n, 3_600_000n, 35_000_000n, 0n)).toBe(3_500_000n);
  });
});
