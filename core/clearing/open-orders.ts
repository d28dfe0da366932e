/**
 * The open-order add-on (seed 000's `oos`): how much the exposure of a direction could grow if
 * the open orders filled. Every fill makes the debtor X pay one asset and receive the other.
 * Since a debt is valued ×(1+f) and a claim ×(1−f), one fill raises X's stressed risk by at most
 * stressed-up(what X pays) − stressed-down(what X receives), whatever the netting, so summing the
 * positive part of that bound over the summaries bounds any set of fills, all of them included.
 * Quote amounts take each summary's worst price for X: the max price when X pays quote, the min
 * when X receives it (a resting order fills at its own limit, anywhere in [min, max]).
 */
import type { Hex } from "viem";
import { max, min, mulDivDown, mulDivUp } from "../money/math";
import { OrderSide, type OrderSummary } from "./app-data-types";
import { clearingInputError } from "./errors";
import type { PricingTable } from "./pricing";
import { sameAddress, type AssetRef, type Direction } from "./types";
import { stressedValueDownE18, stressedValueUpE18 } from "./valuation";

/** What a market id (bytes32 in the app data) trades. */
export interface MarketAssets {
  market: Hex;
  base: AssetRef;
  quote: AssetRef;
}

/** One summary's worst case for the direction's debtor. */
export interface OpenOrderLine {
  summary: OrderSummary;
  /** whether the debtor would pay the quote (else it pays the base) */
  debtorPaysQuote: boolean;
  payAmount: bigint;
  receiveAmount: bigint;
  /** max(0, stressed-up pay − stressed-down receive), USD ×1e18 */
  addOnUsdE18: bigint;
}

export interface OpenOrderAddOn {
  addOnUsdE18: bigint;
  lines: OpenOrderLine[];
}

/** The worst-case growth of the direction's stressed exposure from the open orders, in USD ×1e18. */
export function openOrderAddOn(
  direction: Direction,
  summaries: readonly OrderSummary[],
  markets: readonly MarketAssets[],
  pricing: PricingTable,
): OpenOrderAddOn {
  const byMarket = new Map(markets.map((m) => [m.market.toLowerCase(), m]));
  const lines = summaries.map((summary, index): OpenOrderLine => {
    const market = byMarket.get(summary.market.toLowerCase());
    if (!market)
      throw clearingInputError("CLEARING_UNKNOWN_MARKET", "an open-order summary names an unknown market", {
        index,
        market: summary.market,
      });
    const debtorHolds = sameAddress(summary.holder, direction.debtor) && sameAddress(summary.host, direction.creditor);
    const creditorHolds =
      sameAddress(summary.holder, direction.creditor) && sameAddress(summary.host, direction.debtor);
    if (!debtorHolds && !creditorHolds)
      throw clearingInputError(
        "CLEARING_NOT_A_PARTICIPANT",
        "an open order must be one broker's on the other's platform",
        {
          index,
          host: summary.host,
          holder: summary.holder,
        },
      );
    // the debtor pays quote when it buys, or when the creditor sells to it
    const debtorPaysQuote = debtorHolds === (summary.side === OrderSide.BUY);
    const base = pricing.get(market.base);
    const quote = pricing.get(market.quote);
    const wholeBase = 10n ** BigInt(base.decimals);
    let payAmount: bigint;
    let receiveAmount: bigint;
    let addOnUsdE18: bigint;
    if (debtorPaysQuote) {
      payAmount = max(summary.avgQuoteAmount, mulDivUp(summary.avgBaseAmount, summary.maxPrice, wholeBase));
      receiveAmount = summary.avgBaseAmount;
      addOnUsdE18 = stressedValueUpE18(payAmount, quote) - stressedValueDownE18(receiveAmount, base);
    } else {
      payAmount = summary.avgBaseAmount;
      receiveAmount = min(summary.avgQuoteAmount, mulDivDown(summary.avgBaseAmount, summary.minPrice, wholeBase));
      addOnUsdE18 = stressedValueUpE18(payAmount, base) - stressedValueDownE18(receiveAmount, quote);
    }
    return { summary, debtorPaysQuote, payAmount, receiveAmount, addOnUsdE18: max(0n, addOnUsdE18) };
  });
  return { addOnUsdE18: lines.reduce((sum, line) => sum + line.addOnUsdE18, 0n), lines };
}
