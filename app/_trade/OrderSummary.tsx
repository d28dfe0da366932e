"use client";
/**
 * The order form's summary, from previewOrder (core's arithmetic): value, initial margin and the
 * equity the engine's pre-trade check asks for (perpetuals), the fee, the current position.
 */
import { formatAmount, formatPips } from "../_components/format";
import { quoteAmt, sz, type MarketSummary } from "./market";
import type { OrderPreview } from "./order-preview";

export function OrderSummary({
  market,
  preview,
  feePips,
  positionSize,
}: {
  market: MarketSummary;
  preview: OrderPreview | null;
  /** the rate shown while there is no preview yet */
  feePips: number;
  positionSize: bigint | null;
}) {
  const isPerp = market.kind === "PERP";
  const qd = market.quote.decimals;
  const q = (v: bigint | null | undefined) => (v == null ? "—" : `${quoteAmt(market, v)} ${market.quote.symbol}`);
  const margin = preview?.margin ?? null;
  return (
    <dl className="summary">
      <dt>Order value</dt>
      <dd className="num">{q(preview?.value)}</dd>
      {isPerp && (
        <>
          <dt>Margin required</dt>
          <dd className="num" data-testid="margin-required">
            {q(margin?.initialMarginQuote)}
          </dd>
          {margin !== null && (
            <>
              <dt title="What the exchange checks your equity against: initial margin at the mark, the loss to the mark if the order fills entirely at its limit (or worst price), and the taker fee">
                Equity needed
              </dt>
              <dd className="num" data-testid="equity-needed">
                {q(margin.requiredQuote)}
              </dd>
            </>
          )}
        </>
      )}
      <dt>Est. fee ({formatPips(preview?.feePips ?? feePips)})</dt>
      <dd className="num" data-testid="fee-estimate">
        {preview ? `${formatAmount(preview.fee, qd, { maxFraction: qd })} ${market.quote.symbol}` : "—"}
      </dd>
      {isPerp && positionSize !== null && (
        <>
          <dt>Position</dt>
          <dd className={`num ${positionSize > 0n ? "up" : "down"}`}>{sz(market, positionSize)}</dd>
        </>
      )}
    </dl>
  );
}
