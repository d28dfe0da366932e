/**
 * Formatting of money and prices for the UI. Amounts are bigint base units; nothing here goes
 * through a float, so a 18-decimals balance prints exactly. Rounding is toward zero (what you
 * see is never more than what you have).
 */
import { formatUnits, parseUnits } from "viem";

export interface AmountFormat {
  /** digits after the point at most (trailing zeros dropped unless `minFraction` asks for them) */
  maxFraction?: number;
  /** digits after the point at least (pads with zeros) */
  minFraction?: number;
  /** thousands separators in the integer part (default true) */
  group?: boolean;
  /** prefix a "+" for positive values (PnL, changes) */
  signed?: boolean;
}

function groupThousands(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A wire amount (whole-token decimal string with its symbol) for display: `{ value: "1234.5", symbol: "USDC" }` → "1,234.5 USDC". */
export function formatToken(
  t: { value: string; symbol: string },
  fmt: AmountFormat & { symbol?: boolean } = {},
): string {
  // the wire drops trailing zeros: scale to the digits asked for, then format exactly
  const digits = Math.max(t.value.split(".")[1]?.length ?? 0, fmt.minFraction ?? 0);
  const text = formatAmount(parseUnits(t.value, digits), digits, { maxFraction: digits, ...fmt });
  return fmt.symbol === false ? text : `${text} ${t.symbol}`;
}

/** A bigint in base units with `decimals` as a human string: `formatAmount(1_234_500_000n, 6, { maxFraction: 2 })` → "1,234.5". */
export function formatAmount(valueBase: bigint, decimals: number, fmt: AmountFormat = {}): string {
  const { maxFraction = decimals, minFraction = 0, group = true, signed = false } = fmt;
  const negative = valueBase < 0n;
  const abs = negative ? -valueBase : valueBase;
  const [intRaw, fracRaw = ""] = formatUnits(abs, decimals).split(".");
  let frac = fracRaw.slice(0, Math.max(0, maxFraction)).replace(/0+$/, "");
  if (frac.length < minFraction) frac = frac.padEnd(minFraction, "0");
  const intPart = group ? groupThousands(intRaw!) : intRaw!;
  const body = frac ? `${intPart}.${frac}` : intPart;
  const isZero = /^[0.,]*$/.test(body);
  const sign = negative && !isZero ? "−" : signed && !negative && !isZero ? "+" : "";
  return `${sign}${body}`;
}

/** Number of fraction digits a step (tick or lot, in base units) needs: tick 10 000 at 6 decimals → 2. */
export function stepDecimals(stepBase: bigint, decimals: number): number {
  if (stepBase <= 0n) return decimals;
  let d = decimals;
  let s = stepBase;
  while (d > 0 && s % 10n === 0n) {
    s /= 10n;
    d -= 1;
  }
  return d;
}

/** A price (quote base units per whole base token) shown with exactly the tick's precision. */
export function formatPrice(priceBase: bigint, quoteDecimals: number, tickBase: bigint): string {
  const d = stepDecimals(tickBase, quoteDecimals);
  return formatAmount(priceBase, quoteDecimals, { maxFraction: d, minFraction: d });
}

/** Compact figure for volumes: 1.2K, 3.4M, 5.6B (display only; exact value belongs in a title). */
export function formatCompact(valueBase: bigint, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  const whole = (valueBase < 0n ? -valueBase : valueBase) / scale;
  const units: [bigint, string][] = [
    [1_000_000_000n, "B"],
    [1_000_000n, "M"],
    [1_000n, "K"],
  ];
  for (const [u, suffix] of units) {
    if (whole >= u) {
      const tenths = (whole * 10n) / u;
      const s = `${tenths / 10n}.${tenths % 10n}`.replace(/\.0$/, "");
      return `${valueBase < 0n ? "−" : ""}${s}${suffix}`;
    }
  }
  return formatAmount(valueBase, decimals, { maxFraction: 2 });
}

/** Basis points (1 bp = 0.01 %) as a percentage: 1234 → "12.34%". */
export function formatBps(bps: bigint | number, { signed = false }: { signed?: boolean } = {}): string {
  const v = BigInt(bps);
  return `${formatAmount(v, 2, { maxFraction: 2, minFraction: 2, group: false, signed })}%`;
}

/** Pips (1 pip = 0.0001 %, fees) as a percentage: 250 → "0.025%". */
export function formatPips(pips: number): string {
  return `${formatAmount(BigInt(pips), 4, { maxFraction: 4, minFraction: 2, group: false })}%`;
}

/** A change between two prices in bps, rounded toward zero; null when there is no base. */
export function changeBps(fromBase: bigint | null | undefined, toBase: bigint | null | undefined): bigint | null {
  if (fromBase == null || toBase == null || fromBase === 0n) return null;
  return ((toBase - fromBase) * 10_000n) / fromBase;
}

/** What a typed amount reads as: base units, or why it cannot be read (one sentence for the form). */
export type AmountReading = { ok: true; value: bigint } | { ok: false; reason: string };

/**
 * Read what a user typed into base units, strictly: digits with at most one "." and at most
 * `decimals` digits after it. A comma is refused, never guessed: "0,5" is a half in much of the
 * world and 5 to a parser that drops separators, and "1,234" is either (issue 21). Never rounds.
 */
export function readAmount(input: string, decimals: number): AmountReading {
  const s = input.trim();
  if (s === "") return { ok: false, reason: "Enter a number." };
  if (s.includes(",")) return { ok: false, reason: "Use a point for decimals (0.5), and no thousands separators." };
  if (!/^\d*\.?\d*$/.test(s) || s === ".")
    return { ok: false, reason: "Enter a plain number such as 0.5 (digits and one point)." };
  const frac = s.split(".")[1] ?? "";
  if (frac.length > decimals)
    return { ok: false, reason: `At most ${decimals} digit${decimals === 1 ? "" : "s"} after the point.` };
  try {
    return { ok: true, value: parseUnits(s, decimals) };
  } catch {
    return { ok: false, reason: "Enter a plain number such as 0.5." };
  }
}

/** `readAmount`'s value, or null when the text is not an amount (see readAmount for why). */
export function parseAmount(input: string, decimals: number): bigint | null {
  const r = readAmount(input, decimals);
  return r.ok ? r.value : null;
}

/** 0x1234…abcd */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

/** Local time of day, HH:MM:SS. */
export function formatTime(at: Date | number | string): string {
  const d = at instanceof Date ? at : new Date(at);
  return d.toLocaleTimeString(undefined, { hour12: false });
}

/** Local date and time, compact. */
export function formatDateTime(at: Date | number | string): string {
  const d = at instanceof Date ? at : new Date(at);
  return `${d.toLocaleDateString(undefined, { month: "short", day: "2-digit" })} ${d.toLocaleTimeString(undefined, { hour12: false })}`;
}
