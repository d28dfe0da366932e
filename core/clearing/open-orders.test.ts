import fc from "fast-check";
import { keccak256, toHex, type Hex } from "viem";
import { describe, expect, it, test } from "vitest";
import { ClearlineError } from "../errors";
import { OrderSide, type OrderSummary } from "./app-data-types";
import { exposures } from "./exposure";
import { netLiabilities, type Fill } from "./netting";
import { openOrderAddOn, type MarketAssets } from "./open-orders";
import { pricingTable } from "./pricing";
import { A, B, ETH, fills, marksAfterMove, pair, params, units, usdE18, USDC, WBTC } from "./seed-002.test-util";

const BTC_USDC: Hex = keccak256(toHex("btc/usdc"));
const ETH_USDC: Hex = keccak256(toHex("eth/usdc"));
const tradable = [
  { market: BTC_USDC, base: WBTC, quote: USDC },
  { market: ETH_USDC, base: ETH, quote: USDC },
];
const markets: MarketAssets[] = tradable;
const pricing = pricingTable(params, marksAfterMove);
const aOwes = { debtor: A, creditor: B };
const bOwes = { debtor: B, creditor: A };

/** A buys 1 BTC on B's platform at limits between 50,000 and 53,000 (51,000 in total at the average). */
const aBuysBtc: OrderSummary = {
  host: B,
  holder: A,
  market: BTC_USDC,
  side: OrderSide.BUY,
  avgBaseAmount: units(WBTC, "1"),
  minPrice: units(USDC, "50000"),
  maxPrice: units(USDC, "53000"),
  avgQuoteAmount: units(USDC, "51000"),
};

describe("openOrderAddOn", () => {
  test.each([
    // A pays at most 53,000 USDC ×1.00027 = 53,014.31 and receives 1 BTC ×52,500×0.9791 = 51,402.75
    ["A's buy, A as the debtor", aBuysBtc, aOwes, true, units(USDC, "53000"), units(WBTC, "1"), usdE18("1611.56")],
    // B pays 1 BTC ×52,500×1.0209 = 53,597.25 and receives at least 50,000 USDC ×0.99973 = 49,986.50
    ["A's buy, B as the debtor", aBuysBtc, bOwes, false, units(WBTC, "1"), units(USDC, "50000"), usdE18("3610.75")],
    // B sells A 1 BTC: for A the same as buying it, for B the same as selling it
    [
      "B's sell on A, A as the debtor",
      { ...aBuysBtc, host: A, holder: B, side: OrderSide.SELL },
      aOwes,
      true,
      units(USDC, "53000"),
      units(WBTC, "1"),
      usdE18("1611.56"),
    ],
    [
      "B's sell on A, B as the debtor",
      { ...aBuysBtc, host: A, holder: B, side: OrderSide.SELL },
      bOwes,
      false,
      units(WBTC, "1"),
      units(USDC, "50000"),
      usdE18("3610.75"),
    ],
    // a sale far above the market cannot hurt the seller: no add-on (never negative)
    [
      "A sells 1 BTC at 60,000+, A as the debtor",
      {
        ...aBuysBtc,
        side: OrderSide.SELL,
        minPrice: units(USDC, "60000"),
        maxPrice: units(USDC, "61000"),
        avgQuoteAmount: units(USDC, "60500"),
      },
      aOwes,
      false,
      units(WBTC, "1"),
      units(USDC, "60000"),
      0n,
    ],
    // seed 000's order: 0.2 ETH between 100 and 200 "150" quote: B pays 0.2 ETH ×3,300×1.0268 = 677.688 and receives at least 0.2 × 100 = 20 USDC ×0.99973
    [
      "seed 000's eth/usdc buy, B as the debtor",
      {
        ...aBuysBtc,
        market: ETH_USDC,
        avgBaseAmount: units(ETH, "0.2"),
        minPrice: units(USDC, "100"),
        maxPrice: units(USDC, "200"),
        avgQuoteAmount: units(USDC, "150"),
      },
      bOwes,
      false,
      units(ETH, "0.2"),
      units(USDC, "20"),
      usdE18("677.688") - usdE18("19.9946"),
    ],
  ] as [string, OrderSummary, typeof aOwes, boolean, bigint, bigint, bigint][])(
    "%s",
    (_name, summary, direction, paysQuote, pay, receive, addOn) => {
      const result = openOrderAddOn(direction, [summary], markets, pricing);
      expect(result.lines).toHaveLength(1);
      expect(result.lines[0]).toMatchObject({ debtorPaysQuote: paysQuote, payAmount: pay, receiveAmount: receive });
      expect(result.addOnUsdE18).toBe(addOn);
    },
  );

  it("adds up the lines and refuses unknown markets and orders of a third broker", () => {
    const two = openOrderAddOn(
      aOwes,
      [aBuysBtc, { ...aBuysBtc, market: BTC_USDC.toUpperCase().replace("0X", "0x") as Hex }],
      markets,
      pricing,
    );
    expect(two.addOnUsdE18).toBe(2n * usdE18("1611.56"));
    expect(openOrderAddOn(aOwes, [], markets, pricing).addOnUsdE18).toBe(0n);
    expect(() => openOrderAddOn(aOwes, [{ ...aBuysBtc, market: `0x${"00".repeat(32)}` }], markets, pricing)).toThrow(
      ClearlineError,
    );
    expect(() => openOrderAddOn(aOwes, [{ ...aBuysBtc, host: A }], markets, pricing)).toThrow(ClearlineError);
  });
});

describe("the add-on bounds every set of fills", () => {
  // one order per summary (min = max = its price), filled whole at its price
  const arbOrder = fc.record({
    aHolds: fc.boolean(),
    side: fc.constantFrom(OrderSide.BUY, OrderSide.SELL),
    market: fc.constantFrom(...tradable),
    baseWhole: fc.bigInt({ min: 1n, max: 1000n }),
    priceUsd: fc.bigInt({ min: 1n, max: 100_000n }),
    fills: fc.boolean(),
  });

  it("exposure after the fills <= exposure before + add-on, in both directions (to one 1e-18 USD per asset line)", () => {
    fc.assert(
      fc.property(fc.array(arbOrder, { maxLength: 8 }), fc.subarray(fills), (orders, earlier) => {
        const summaries: OrderSummary[] = [];
        const orderFills: Fill[] = [];
        for (const o of orders) {
          const baseAmount = o.baseWhole * 10n ** BigInt(o.market.base.decimals - 2); // steps of 0.01 BTC or ETH
          const price = units(USDC, o.priceUsd.toString());
          const wholeBase = 10n ** BigInt(o.market.base.decimals);
          const quoteAmount = (baseAmount * price) / wholeBase;
          const holder = o.aHolds ? A : B;
          const other = o.aHolds ? B : A;
          summaries.push({
            host: other,
            holder,
            market: o.market.market,
            side: o.side,
            avgBaseAmount: baseAmount,
            minPrice: price,
            maxPrice: price,
            avgQuoteAmount: quoteAmount,
          });
          const buyer = o.side === OrderSide.BUY ? holder : other;
          const seller = o.side === OrderSide.BUY ? other : holder;
          if (o.fills)
            orderFills.push({ buyer, seller, base: o.market.base, quote: o.market.quote, baseAmount, quoteAmount });
        }
        const before = exposures(pair, netLiabilities(pair, earlier), pricing);
        const after = exposures(pair, netLiabilities(pair, [...earlier, ...orderFills]), pricing);
        for (const [i, direction] of [aOwes, bOwes].entries()) {
          const addOn = openOrderAddOn(direction, summaries, markets, pricing).addOnUsdE18;
          expect(after[i]!.exposureUsdE18).toBeLessThanOrEqual(before[i]!.exposureUsdE18 + addOn + 3n);
        }
      }),
    );
  });
});
