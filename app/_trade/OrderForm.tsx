"use client";
/**
 * Order entry: limit (GTC/IOC/FOK, post-only), market (worst price from the slippage bound),
 * stop (market or limit once the mark reaches the trigger), reduce-only, leverage as a sizing aid
 * for perpetuals (margin is cross: the engine requires the market's initial margin), TP/SL with
 * the estimated PnL at each. Before sending, the latest exchange-signed channel state is
 * co-signed (one wallet prompt for all fills since the last order, not one per fill).
 *
 * Over 400 lines: one form whose fields depend on each other (type, side, leverage, slippage,
 * TP/SL). Its value, fee and margin preview come from core with the engine's rounding
 * (order-preview.ts) and are shown by OrderSummary.tsx.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useState } from "react";
import { useCoSignLatest } from "../_channel/useCoSign";
import { ErrorMessage } from "../_components/ErrorMessage";
import { formatAmount, formatBps, parseAmount } from "../_components/format";
import { toast } from "../_components/toast";
import { useTRPC } from "../_trpc/client";
import {
  baseUnits,
  lotUnits,
  minNotionalUnits,
  newIdempotencyKey,
  notional,
  priceDecimals,
  px,
  quoteAmt,
  quoteUnits,
  quoteUnitsOrNull,
  sz,
  szT,
  tickUnits,
  slippageBound,
  toLot,
  type MarketSummary,
  type Position,
} from "./market";
import { pnlAt as positionPnl, previewOrder } from "./order-preview";
import { OrderSummary } from "./OrderSummary";
import type { BookState } from "./useMarketData";

type OrderType = "limit" | "market" | "stop";
type Side = "buy" | "sell";
const SLIPPAGES_BPS = [10n, 50n, 100n, 300n];

export interface PickedPrice {
  price: bigint;
  /** changes on every click so picking the same price twice still applies */
  nonce: number;
}

export function OrderForm({
  market,
  book,
  positions,
  markets,
  picked,
}: {
  market: MarketSummary;
  book: BookState;
  /** every open perpetual position (cross margin: all of them count toward equity) */
  positions: Position[];
  /** every market, to value positions in their own units */
  markets: MarketSummary[];
  picked: PickedPrice | null;
}) {
  const trpc = useTRPC();
  const id = useId();
  const me = useQuery(trpc.auth.me.queryOptions());
  const balances = useQuery({ ...trpc.account.balances.queryOptions(), enabled: !!me.data });
  const coSign = useCoSignLatest();
  const place = useMutation(trpc.orders.place.mutationOptions());
  const isPerp = market.kind === "PERP";
  const qd = market.quote.decimals;
  const tick = tickUnits(market);
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
  const price = parseAmount(priceText, qd);
  const trigger = parseAmount(triggerText, qd);
  const size = parseAmount(sizeText, market.base.decimals);
  const tp = parseAmount(tpText, qd);
  const sl = parseAmount(slText, qd);
  const usesLimitPrice = type === "limit" || (type === "stop" && stopAsLimit);
  const execPrice = usesLimitPrice ? price : type === "stop" ? trigger : refPrice;
  const worstPrice = refPrice === null ? null : slippageBound(market, refPrice, side, slippageBps);
  const stopWorst = trigger === null ? null : slippageBound(market, trigger, side, slippageBps);

  const available = (symbol: string) => balances.data?.find((x) => x.asset === symbol)?.available ?? null;
  const quoteBalance = available(market.quote.symbol);
  const baseBalance = available(market.base.symbol);
  const quoteHeld = quoteBalance ? quoteUnits(market, quoteBalance) : 0n;
  const position = positions.find((p) => p.market === market.symbol);
  const positionSize = position ? baseUnits(market, position.size) : null;
  // perpetuals settle in cash: the balance goes negative when buying; equity adds the positions at the mark
  const perpEquity =
    quoteHeld +
    positions.reduce((sum, p) => {
      const pm = markets.find((x) => x.symbol === p.market);
      return pm && pm.quote.symbol === market.quote.symbol
        ? sum + notional(pm, baseUnits(pm, p.size), quoteUnits(pm, p.markPrice ?? p.entryPrice))
        : sum;
    }, 0n);
  const quoteAvail = isPerp ? (perpEquity > 0n ? perpEquity : 0n) : quoteHeld;
  const baseAvail = baseBalance ? baseUnits(market, baseBalance) : 0n;
  // the most the buttons size to: spot buys spend quote, spot sells spend base, perps use collateral × leverage
  const maxSize = useMemo(() => {
    if (!execPrice || execPrice <= 0n) return isPerp ? null : side === "sell" ? baseAvail : null;
    const scale = 10n ** BigInt(market.base.decimals);
    if (isPerp) return toLot((quoteAvail * BigInt(leverage) * scale) / execPrice, lot);
    return side === "buy" ? toLot((quoteAvail * scale) / execPrice, lot) : toLot(baseAvail, lot);
  }, [execPrice, isPerp, side, quoteAvail, baseAvail, leverage, market, lot]);

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

  const problems: string[] = [];
  if (sizeText && size === null) problems.push(`Size: a number with at most ${market.base.decimals} decimals.`);
  else if (size !== null && size % lot !== 0n)
    problems.push(`Size must be a multiple of ${szT(market, market.lotSize)} ${market.base.symbol}.`);
  if (usesLimitPrice && priceText && price === null) problems.push("Price: a number.");
  else if (usesLimitPrice && price !== null && price % tick !== 0n)
    problems.push(`Price must be a multiple of the tick ${px(market, tick)}.`);
  if (type === "stop" && triggerText && (trigger === null || trigger % tick !== 0n))
    problems.push(`Trigger must be a multiple of the tick ${px(market, tick)}.`);
  if (value !== null && value > 0n && value < minNotionalUnits(market))
    problems.push(
      `Order value below the minimum of ${quoteAmt(market, minNotionalUnits(market))} ${market.quote.symbol}.`,
    );
  if (withTpSl && tp !== null && execPrice && (side === "buy" ? tp <= execPrice : tp >= execPrice))
    problems.push(`Take-profit must be ${side === "buy" ? "above" : "below"} the entry price.`);
  if (withTpSl && sl !== null && execPrice && (side === "buy" ? sl >= execPrice : sl <= execPrice))
    problems.push(`Stop-loss must be ${side === "buy" ? "below" : "above"} the entry price.`);

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
    setError(null);
    try {
      if (coSign.pending.count > 0) {
        setStage("cosign");
        await coSign.coSignLatest();
      }
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
      const what = `${side === "buy" ? (isPerp ? "Long" : "Buy") : isPerp ? "Short" : "Sell"} ${sz(market, size)} ${market.base.symbol}`;
      if (r.status === "resting")
        toast.success("Order placed", `${what} at ${px(market, price)} rests on the book (order #${r.orderId}).`);
      else if (r.status === "triggerPending")
        toast.success("Stop order placed", `${what} when the mark reaches ${px(market, trigger)}.`);
      else if (r.status === "cancelled" || r.status === "expired")
        toast.warn(
          baseUnits(market, r.filledSize) > 0n ? "Order partly filled" : "Order not filled",
          `${what}: ${r.doneReason ?? r.status}. Filled ${szT(market, r.filledSize)} of ${sz(market, size)}.`,
        );
      // fills are announced by the account feed (also those that happen later)
      setSizeText("");
    } catch (err) {
      setError(err);
      toast.fromError(stage === "cosign" ? "Co-signing failed" : "Order not placed", err);
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
          {isPerp ? "Equity" : "Available"}{" "}
          <span className="num" data-testid="available">
            {me.data
              ? isPerp || side === "buy"
                ? `${quoteAmt(market, quoteAvail)} ${market.quote.symbol}`
                : `${sz(market, baseAvail)} ${market.base.symbol}`
              : "—"}
          </span>
        </p>

        {type === "stop" && (
          <label className="field">
            <span>Trigger price (mark)</span>
            <input
              inputMode="decimal"
              autoComplete="off"
              value={triggerText}
              onChange={(e) => setTriggerText(e.target.value)}
              placeholder="0.00"
            />
            <span className="unit">{market.quote.symbol}</span>
          </label>
        )}
        {type === "stop" && (
          <label className="check">
            <input type="checkbox" checked={stopAsLimit} onChange={(e) => setStopAsLimit(e.target.checked)} /> Limit
            price after trigger
          </label>
        )}
        {usesLimitPrice && (
          <label className="field">
            <span>Price</span>
            <input
              inputMode="decimal"
              autoComplete="off"
              value={priceText}
              onChange={(e) => setPriceText(e.target.value)}
              placeholder={refPrice ? px(market, refPrice).replace(/,/g, "") : "0.00"}
            />
            <span className="unit">{market.quote.symbol}</span>
          </label>
        )}
        {type === "market" && (
          <p className="muted est">
            Market price ≈ <span className="num">{px(market, refPrice)}</span> · worst{" "}
            <span className="num" data-testid="worst-price">
              {px(market, worstPrice)}
            </span>
          </p>
        )}

        <label className="field">
          <span>Size</span>
          <input
            inputMode="decimal"
            autoComplete="off"
            value={sizeText}
            onChange={(e) => setSizeText(e.target.value)}
            placeholder="0.0"
          />
          <span className="unit">{market.base.symbol}</span>
        </label>
        <div className="pct-row" role="group" aria-label="Size as a share of what you can trade">
          {[25n, 50n, 75n, 100n].map((p) => (
            <button
              key={p.toString()}
              type="button"
              disabled={!maxSize}
              onClick={() =>
                maxSize &&
                setSizeText(formatAmount(toLot((maxSize * p) / 100n, lot), market.base.decimals, { group: false }))
              }
            >
              {p.toString()}%
            </button>
          ))}
        </div>

        {isPerp && (
          <label className="field-range">
            <span>
              Leverage <strong className="num">{leverage}×</strong>
              <span className="muted">
                {" "}
                (sizes the % buttons; margin is cross, {formatBps(BigInt(market.initialMarginBps))} initial)
              </span>
            </span>
            <input
              type="range"
              min={1}
              max={market.maxLeverage}
              value={leverage}
              onChange={(e) => setLeverage(Number(e.target.value))}
              aria-label="Leverage"
            />
          </label>
        )}

        {type === "limit" && (
          <div className="opts">
            <label className="inline-select">
              <span>Time in force</span>
              <select value={tif} onChange={(e) => setTif(e.target.value as typeof tif)}>
                <option value="GTC">GTC (rests)</option>
                <option value="IOC">IOC (fill now, cancel rest)</option>
                <option value="FOK">FOK (all now or nothing)</option>
              </select>
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={postOnly && tif === "GTC"}
                disabled={tif !== "GTC"}
                onChange={(e) => setPostOnly(e.target.checked)}
              />{" "}
              Post-only
            </label>
          </div>
        )}
        {(type === "market" || (type === "stop" && !stopAsLimit)) && (
          <div className="opts" role="group" aria-label="Slippage">
            <span className="muted">Slippage</span>
            {SLIPPAGES_BPS.map((b) => (
              <button
                key={b.toString()}
                type="button"
                className="chip"
                aria-pressed={slippageBps === b}
                onClick={() => setSlippageBps(b)}
              >
                {formatBps(b)}
              </button>
            ))}
          </div>
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
          <div className="tpsl">
            <label className="field">
              <span>Take profit</span>
              <input
                inputMode="decimal"
                autoComplete="off"
                value={tpText}
                onChange={(e) => setTpText(e.target.value)}
                placeholder="price"
              />
              <span className={`unit num ${(pnlAt(tp) ?? 0n) >= 0n ? "up" : "down"}`} data-testid="tp-pnl">
                {pnlAt(tp) !== null ? `${quoteAmt(market, pnlAt(tp)!, true)}` : market.quote.symbol}
              </span>
            </label>
            <label className="field">
              <span>Stop loss</span>
              <input
                inputMode="decimal"
                autoComplete="off"
                value={slText}
                onChange={(e) => setSlText(e.target.value)}
                placeholder="price"
              />
              <span className={`unit num ${(pnlAt(sl) ?? 0n) >= 0n ? "up" : "down"}`} data-testid="sl-pnl">
                {pnlAt(sl) !== null ? `${quoteAmt(market, pnlAt(sl)!, true)}` : market.quote.symbol}
              </span>
            </label>
            <p className="muted est">
              Estimated PnL at each price for the whole size, before fees. One cancels the other.
            </p>
          </div>
        )}

        <OrderSummary
          market={market}
          preview={preview}
          feePips={maker ? market.makerFeePips : market.takerFeePips}
          positionSize={positionSize}
        />

        {problems.map((p) => (
          <p key={p} className="error-text field-problem" role="alert">
            {p}
          </p>
        ))}
        {error ? <ErrorMessage error={error} compact /> : null}
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
                  : `${sideLabel} ${market.base.symbol}`}
        </button>
      </form>
    </section>
  );
}
