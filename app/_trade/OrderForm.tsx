"use client";
/**
 * Order entry: limit (GTC/IOC/FOK, post-only), market (worst price from the slippage bound),
 * stop (market or limit once the mark reaches the trigger), reduce-only, leverage as a sizing aid
 * for perpetuals (margin is cross: the engine requires the market's initial margin), TP/SL with
 * the estimated PnL at each. Before sending, the latest exchange-signed channel state is
 * co-signed (one wallet prompt for all fills since the last order, not one per fill).
 *
 * Fields are read strictly and checked outside React (order-checks.ts); an order far from the
 * mark or above the notional threshold asks for a second click; a refusal shows once (inline and
 * one toast) and clears when any input changes. The value, fee and margin preview come from core
 * with the engine's rounding (order-preview.ts, shown by OrderSummary.tsx); the leverage slider
 * sizes the % buttons to what the engine's margin check accepts (core's maxOrderLots).
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useState } from "react";
import { useCoSignLatest } from "../_channel/useCoSign";
import { ErrorMessage } from "../_components/ErrorMessage";
import { formatAmount } from "../_components/format";
import { toast } from "../_components/toast";
import { useTRPC } from "../_trpc/client";
import {
  baseUnits,
  lotUnits,
  newIdempotencyKey,
  priceDecimals,
  px,
  quoteAmt,
  quoteUnits,
  quoteUnitsOrNull,
  sz,
  slippageBound,
  toLot,
  type MarketSummary,
  type Position,
} from "./market";
import { confirmationReason, field, orderProblems, perpMaxSize, spotMaxSize, valueOf } from "./order-checks";
import { AmountField, LeverageSlider, LimitOptions, SizeButtons, SlippageChips, TpSlFields } from "./OrderFormExtras";
import { announcePlaced } from "./order-toasts";
import { pnlAt as positionPnl, previewOrder } from "./order-preview";
import { OrderSummary } from "./OrderSummary";
import type { BookState } from "./useMarketData";

type OrderType = "limit" | "market" | "stop";
type Side = "buy" | "sell";

export interface PickedPrice {
  price: bigint;
  /** changes on every click so picking the same price twice still applies */
  nonce: number;
}

export function OrderForm({
  market,
  book,
  positions,
  picked,
}: {
  market: MarketSummary;
  book: BookState;
  /** every open perpetual position */
  positions: Position[];
  picked: PickedPrice | null;
}) {
  const trpc = useTRPC();
  const id = useId();
  const me = useQuery(trpc.auth.me.queryOptions());
  const summary = useQuery({ ...trpc.account.summary.queryOptions(), enabled: !!me.data, refetchInterval: 5_000 });
  const coSign = useCoSignLatest();
  const place = useMutation(trpc.orders.place.mutationOptions());
  const isPerp = market.kind === "PERP";
  const qd = market.quote.decimals;
  const lot = lotUnits(market);

  const [side, setSide] = useState<Side>("buy");
  const [type, setType] = useState<OrderType>("limit");
  const [priceText, setPriceText] = useState("");
  const [triggerText, setTriggerText] = useState("");
  const [stopAsLimit, setStopAsLimit] = useState(false);
  const [sizeText, setSizeText] = useState("");
  const [tif, setTif] = useState<"GTC" | "IOC" | "FOK">("GTC");
  const [postOnly, setPostOnly] = useState(false);
  const [reduceOnly, setReduceOnly] = useState(false);
  const [slippageBps, setSlippageBps] = useState(100n);
  const [leverage, setLeverage] = useState(Math.min(5, market.maxLeverage));
  const [withTpSl, setWithTpSl] = useState(false);
  const [tpText, setTpText] = useState("");
  const [slText, setSlText] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [stage, setStage] = useState<"idle" | "cosign" | "place">("idle");
  /** the reason shown while an order waits for its second click */
  const [confirming, setConfirming] = useState<string | null>(null);

  // a refusal or a pending confirmation is about the inputs it was given: any change clears it
  useEffect(() => {
    setError(null);
    setConfirming(null);
  }, [
    side,
    type,
    priceText,
    triggerText,
    stopAsLimit,
    sizeText,
    tif,
    postOnly,
    reduceOnly,
    slippageBps,
    withTpSl,
    tpText,
    slText,
    market.symbol,
  ]);

  useEffect(() => {
    if (picked) {
      setPriceText(formatAmount(picked.price, qd, { maxFraction: priceDecimals(market), group: false }));
      if (type === "market") setType("limit");
    }
  }, [picked]);

  const bestAsk = book.asks[0]?.[0] ?? null;
  const bestBid = book.bids[0]?.[0] ?? null;
  const refPrice =
    (side === "buy" ? bestAsk : bestBid) ?? quoteUnitsOrNull(market, market.markPrice ?? market.lastPrice);
  const usesLimitPrice = type === "limit" || (type === "stop" && stopAsLimit);
  const fields = {
    size: field(sizeText, market.base.decimals),
    price: usesLimitPrice ? field(priceText, qd) : null,
    trigger: type === "stop" ? field(triggerText, qd) : null,
    takeProfit: isPerp && withTpSl ? field(tpText, qd) : null,
    stopLoss: isPerp && withTpSl ? field(slText, qd) : null,
  };
  const price = fields.price ? valueOf(fields.price) : null;
  const trigger = fields.trigger ? valueOf(fields.trigger) : null;
  const size = valueOf(fields.size);
  const tp = fields.takeProfit ? valueOf(fields.takeProfit) : null;
  const sl = fields.stopLoss ? valueOf(fields.stopLoss) : null;
  const execPrice = usesLimitPrice ? price : type === "stop" ? trigger : refPrice;
  const worstPrice = refPrice === null ? null : slippageBound(market, refPrice, side, slippageBps);
  const stopWorst = trigger === null ? null : slippageBound(market, trigger, side, slippageBps);
  const mark = quoteUnitsOrNull(market, market.markPrice ?? market.lastPrice);

  // what the trader may use: a perpetual's free collateral (account.summary), a spot asset's withdrawable amount
  const s = summary.data;
  const freeCollateral = s?.margin.find((x) => x.asset === market.quote.symbol)?.freeCollateral ?? null;
  const usable = (symbol: string) => s?.withdrawable.find((x) => x.symbol === symbol) ?? null;
  const quoteUsable = usable(market.quote.symbol);
  const baseUsable = usable(market.base.symbol);
  const quoteAvail = isPerp
    ? freeCollateral
      ? quoteUnits(market, freeCollateral)
      : 0n
    : quoteUsable
      ? quoteUnits(market, quoteUsable)
      : 0n;
  const baseAvail = baseUsable ? baseUnits(market, baseUsable) : 0n;
  const position = positions.find((p) => p.market === market.symbol);
  const positionSize = position ? baseUnits(market, position.size) : null;
  // the most the % buttons size to; on a perpetual what the engine's margin check accepts at this leverage
  const sizingPrice = usesLimitPrice ? price : type === "market" ? worstPrice : (stopWorst ?? trigger);
  const maxSize = useMemo(() => {
    if (isPerp)
      return sizingPrice && mark
        ? perpMaxSize(market, { side, freeCollateral: quoteAvail, price: sizingPrice, mark, leverage })
        : null;
    return spotMaxSize(market, { side, quoteAvailable: quoteAvail, baseAvailable: baseAvail, price: execPrice });
  }, [isPerp, sizingPrice, mark, market, side, quoteAvail, leverage, baseAvail, execPrice]);

  const maker = type === "limit" && postOnly;
  // the price the engine checks margin at: the limit, or the worst price of a market order
  const boundPrice = usesLimitPrice ? price : type === "market" ? worstPrice : stopWorst;
  const preview =
    size !== null && size % lot === 0n && execPrice
      ? previewOrder(market, { side, sizeBase: size, execPrice, boundPrice, maker, reduceOnly: isPerp && reduceOnly })
      : null;
  const value = preview?.value ?? null;
  const pnlAt = (exit: bigint | null) =>
    exit === null || preview === null || !execPrice
      ? null
      : positionPnl(market, side === "buy" ? size! : -size!, execPrice, exit);

  const problems = orderProblems(market, { side, ...fields, execPrice, value });
  const confirmReason = confirmationReason(market, {
    price: type === "market" ? null : usesLimitPrice ? price : trigger,
    reference: mark,
    value,
  });

  const ready =
    !!me.data &&
    size !== null &&
    size > 0n &&
    problems.length === 0 &&
    (type === "limit"
      ? price !== null
      : type === "market"
        ? worstPrice !== null
        : trigger !== null && (!stopAsLimit || price !== null)) &&
    market.status === "ACTIVE";

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!ready || size === null) return;
    if (confirmReason !== null && confirming !== confirmReason) {
      setConfirming(confirmReason);
      return;
    }
    setConfirming(null);
    setError(null);
    let step: "cosign" | "place" = "place";
    try {
      if (coSign.pending.count > 0) {
        step = "cosign";
        setStage("cosign");
        await coSign.coSignLatest();
      }
      step = "place";
      setStage("place");
      const common = {
        idempotencyKey: newIdempotencyKey("ord"),
        market: market.symbol,
        side,
        size,
        reduceOnly: isPerp && reduceOnly ? true : undefined,
        takeProfit: isPerp && withTpSl && tp !== null ? tp : undefined,
        stopLoss: isPerp && withTpSl && sl !== null ? sl : undefined,
      };
      const input =
        type === "limit"
          ? {
              ...common,
              type: "limit" as const,
              price: price!,
              timeInForce: tif,
              postOnly: tif === "GTC" && postOnly ? true : undefined,
            }
          : type === "market"
            ? { ...common, type: "market" as const, worstPrice: worstPrice! }
            : stopAsLimit
              ? { ...common, type: "stopLimit" as const, triggerPrice: trigger!, price: price! }
              : { ...common, type: "stopMarket" as const, triggerPrice: trigger!, worstPrice: stopWorst! };
      const r = await place.mutateAsync(input);
      announcePlaced(market, r, { side, size, price, trigger });
      // fills are announced by the account feed (also those that happen later)
      setSizeText("");
    } catch (err) {
      // one toast per refusal (the account feed does not repeat a refusal of the trader's own order)
      setError(err);
      toast.fromError(step === "cosign" ? "Co-signing failed" : "Order not placed", err);
    } finally {
      setStage("idle");
    }
  }

  const sideLabel = side === "buy" ? (isPerp ? "Buy / Long" : "Buy") : isPerp ? "Sell / Short" : "Sell";
  const busy = stage !== "idle";
  const fid = (s: string) => `${id}-${s}`;

  return (
    <section className="panel order-form" aria-labelledby={fid("title")} data-testid="order-form">
      <h2 id={fid("title")} className="sr-only">
        Place an order
      </h2>
      <div className="side-tabs" role="group" aria-label="Side">
        <button
          type="button"
          className={`side-buy${side === "buy" ? " on" : ""}`}
          aria-pressed={side === "buy"}
          onClick={() => setSide("buy")}
        >
          {isPerp ? "Long" : "Buy"}
        </button>
        <button
          type="button"
          className={`side-sell${side === "sell" ? " on" : ""}`}
          aria-pressed={side === "sell"}
          onClick={() => setSide("sell")}
        >
          {isPerp ? "Short" : "Sell"}
        </button>
      </div>
      <div className="type-tabs" role="group" aria-label="Order type">
        {(["limit", "market", "stop"] as const).map((t) => (
          <button key={t} type="button" aria-pressed={type === t} onClick={() => setType(t)}>
            {t === "limit" ? "Limit" : t === "market" ? "Market" : "Stop"}
          </button>
        ))}
      </div>

      <form onSubmit={submit} className="form-grid" noValidate>
        <p className="avail muted">
          {isPerp ? "Free collateral" : "Available"}{" "}
          <span className="num" data-testid="available">
            {me.data
              ? isPerp || side === "buy"
                ? `${quoteAmt(market, quoteAvail)} ${market.quote.symbol}`
                : `${sz(market, baseAvail)} ${market.base.symbol}`
              : "—"}
          </span>
        </p>

        {type === "stop" && (
          <AmountField
            label={isPerp ? "Trigger price (mark)" : "Trigger price (last)"}
            value={triggerText}
            onChange={setTriggerText}
            placeholder="0.00"
            unit={market.quote.symbol}
          />
        )}
        {type === "stop" && (
          <label className="check">
            <input type="checkbox" checked={stopAsLimit} onChange={(e) => setStopAsLimit(e.target.checked)} /> Limit
            price after trigger
          </label>
        )}
        {usesLimitPrice && (
          <AmountField
            label="Price"
            value={priceText}
            onChange={setPriceText}
            placeholder={
              refPrice ? formatAmount(refPrice, qd, { maxFraction: priceDecimals(market), group: false }) : "0.00"
            }
            unit={market.quote.symbol}
          />
        )}
        {type === "market" && (
          <p className="muted est">
            Market price ≈ <span className="num">{px(market, refPrice)}</span> · worst{" "}
            <span className="num" data-testid="worst-price">
              {px(market, worstPrice)}
            </span>
          </p>
        )}

        <AmountField label="Size" value={sizeText} onChange={setSizeText} placeholder="0.0" unit={market.base.symbol} />
        <SizeButtons
          maxSize={maxSize}
          onPick={(sizeBase) => setSizeText(formatAmount(toLot(sizeBase, lot), market.base.decimals, { group: false }))}
        />
        {isPerp && <LeverageSlider market={market} leverage={leverage} setLeverage={setLeverage} />}

        {type === "limit" && <LimitOptions tif={tif} setTif={setTif} postOnly={postOnly} setPostOnly={setPostOnly} />}
        {(type === "market" || (type === "stop" && !stopAsLimit)) && (
          <SlippageChips value={slippageBps} onChange={setSlippageBps} />
        )}
        {isPerp && (
          <div className="opts">
            <label className="check">
              <input type="checkbox" checked={reduceOnly} onChange={(e) => setReduceOnly(e.target.checked)} />{" "}
              Reduce-only
            </label>
            <label className="check">
              <input type="checkbox" checked={withTpSl} onChange={(e) => setWithTpSl(e.target.checked)} /> TP / SL
            </label>
          </div>
        )}
        {isPerp && withTpSl && (
          <TpSlFields
            market={market}
            tpText={tpText}
            setTpText={setTpText}
            slText={slText}
            setSlText={setSlText}
            pnlAt={(which) => pnlAt(which === "tp" ? tp : sl)}
          />
        )}

        <OrderSummary
          market={market}
          preview={preview}
          feePips={maker ? market.makerFeePips : market.takerFeePips}
          positionSize={positionSize}
        />

        {problems.map((p) => (
          <p key={p} className="error-text field-problem" role="alert" data-testid="field-problem">
            {p}
          </p>
        ))}
        {error ? <ErrorMessage error={error} compact /> : null}
        {confirming && (
          <p className="confirm-note" role="alert" data-testid="order-confirm">
            {confirming} Press the button again to send it.
          </p>
        )}
        {coSign.pending.count > 0 && !busy && (
          <p className="muted est">
            Placing this order first co-signs the latest channel state (one wallet signature).
          </p>
        )}

        <button type="submit" className={`submit ${side}`} disabled={!ready || busy} data-testid="place-order">
          {!me.data
            ? "Sign in to trade"
            : market.status !== "ACTIVE"
              ? "Market halted"
              : stage === "cosign"
                ? "Co-sign in your wallet…"
                : stage === "place"
                  ? "Placing…"
                  : confirming
                    ? `Confirm: ${sideLabel} ${market.base.symbol}`
                    : `${sideLabel} ${market.base.symbol}`}
        </button>
      </form>
    </section>
  );
}
