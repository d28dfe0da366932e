"use client";
/** The order form's optional parts: limit options, slippage, reduce-only and TP/SL with the estimated PnL at each. */
import { formatBps } from "../_components/format";
import { quoteAmt, type MarketSummary } from "./market";

const SLIPPAGES_BPS = [10n, 50n, 100n, 300n];

export function LimitOptions({
  tif,
  setTif,
  postOnly,
  setPostOnly,
}: {
  tif: "GTC" | "IOC" | "FOK";
  setTif: (t: "GTC" | "IOC" | "FOK") => void;
  postOnly: boolean;
  setPostOnly: (v: boolean) => void;
}) {
  return (
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
  );
}

export function SlippageChips({ value, onChange }: { value: bigint; onChange: (bps: bigint) => void }) {
  return (
    <div className="opts" role="group" aria-label="Slippage">
      <span className="muted">Slippage</span>
      {SLIPPAGES_BPS.map((b) => (
        <button
          key={b.toString()}
          type="button"
          className="chip"
          aria-pressed={value === b}
          onClick={() => onChange(b)}
        >
          {formatBps(b)}
        </button>
      ))}
    </div>
  );
}

export function TpSlFields({
  market,
  tpText,
  setTpText,
  slText,
  setSlText,
  pnlAt,
}: {
  market: MarketSummary;
  tpText: string;
  setTpText: (s: string) => void;
  slText: string;
  setSlText: (s: string) => void;
  /** estimated PnL of the whole size at the typed price, or null */
  pnlAt: (which: "tp" | "sl") => bigint | null;
}) {
  const pnl = (which: "tp" | "sl", testId: string) => {
    const v = pnlAt(which);
    return (
      <span className={`unit num ${(v ?? 0n) >= 0n ? "up" : "down"}`} data-testid={testId}>
        {v !== null ? quoteAmt(market, v, true) : market.quote.symbol}
      </span>
    );
  };
  return (
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
        {pnl("tp", "tp-pnl")}
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
        {pnl("sl", "sl-pnl")}
      </label>
      <p className="muted est">Estimated PnL at each price for the whole size, before fees. One cancels the other.</p>
    </div>
  );
}

/** 25 / 50 / 75 / 100 % of the largest size (base units) the account can trade now. */
export function SizeButtons({ maxSize, onPick }: { maxSize: bigint | null; onPick: (sizeBase: bigint) => void }) {
  return (
    <div className="pct-row" role="group" aria-label="Size as a share of what you can trade">
      {[25n, 50n, 75n, 100n].map((p) => (
        <button
          key={p.toString()}
          type="button"
          disabled={!maxSize}
          onClick={() => maxSize && onPick((maxSize * p) / 100n)}
          data-testid={`size-${p.toString()}`}
        >
          {p.toString()}%
        </button>
      ))}
    </div>
  );
}

/** A perpetual's leverage: what the % buttons size to (free collateral × leverage, capped by the margin check). */
export function LeverageSlider({
  market,
  leverage,
  setLeverage,
}: {
  market: MarketSummary;
  leverage: number;
  setLeverage: (x: number) => void;
}) {
  return (
    <label className="field-range">
      <span>
        Leverage <strong className="num">{leverage}×</strong>
        <span className="muted">
          {" "}
          (sizes the % buttons to what your free collateral carries; cross margin,{" "}
          {formatBps(BigInt(market.initialMarginBps))} initial)
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
  );
}

/** A decimal input with its label and unit (what it reads as is checked by order-checks.ts). */
export function AmountField({
  label,
  value,
  onChange,
  placeholder,
  unit,
}: {
  label: string;
  value: string;
  onChange: (text: string) => void;
  placeholder: string;
  unit: string;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <input
        inputMode="decimal"
        autoComplete="off"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
      />
      <span className="unit">{unit}</span>
    </label>
  );
}
