"use client";
/** Change a market's parameters: preview who would fall under the new margins, then apply with a reason (admins). */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorMessage } from "../../../_components/ErrorMessage";
import { formatAmount, parseAmount } from "../../../_components/format";
import { useTRPC } from "../../../_trpc/client";
import { useConsoleRole } from "../../_ui/AdminShell";
import { Addr, Amount, Panel, ReasonAction } from "../../_ui/ui";
import type { MarketRow } from "./market-row";

const PARAM_FIELDS = [
  ["makerFeePips", "Maker fee, pips (negative = rebate)", "all"],
  ["takerFeePips", "Taker fee, pips", "all"],
  ["minNotional", "Min notional", "all"],
  ["maxLeverage", "Max leverage", "perp"],
  ["initialMarginBps", "Initial margin, bps", "perp"],
  ["maintenanceMarginBps", "Maintenance margin, bps", "perp"],
  ["liquidationFeePips", "Liquidation fee, pips", "perp"],
  ["fundingIntervalSec", "Funding interval, seconds", "perp"],
  ["fundingCapPips", "Funding cap, pips", "perp"],
  ["markBandBps", "Mark band, bps", "perp"],
] as const;
type ParamKey = (typeof PARAM_FIELDS)[number][0];

function current(m: MarketRow | undefined, k: ParamKey): string {
  if (!m) return "";
  if (k === "minNotional") return formatAmount(m.minNotional, m.quote.decimals);
  const v = m[k];
  return v === null || v === undefined ? "—" : String(v);
}

/** Edit a market's parameters: preview (the engine's command on a copy of its state), then apply with a reason. */
export function PreviewParams({ markets, onApplied }: { markets: MarketRow[]; onApplied: () => unknown }) {
  const trpc = useTRPC();
  const { role } = useConsoleRole();
  const perps = markets.filter((m) => m.kind === "PERP");
  const [market, setMarket] = useState(perps[0]?.symbol ?? markets[0]?.symbol ?? "");
  const m = markets.find((x) => x.symbol === market);
  const empty = Object.fromEntries(PARAM_FIELDS.map(([k]) => [k, ""])) as Record<ParamKey, string>;
  const [f, setF] = useState(empty);
  const [submitted, setSubmitted] = useState<null | ({ market: string } & Record<string, unknown>)>(null);
  const [inputError, setInputError] = useState<string | null>(null);
  const preview = useQuery({
    ...trpc.admin.markets.previewParams.queryOptions((submitted ?? { market }) as { market: string }),
    enabled: submitted !== null,
  });
  const update = useMutation(trpc.admin.markets.updateParams.mutationOptions());
  const fields = PARAM_FIELDS.filter(([, , kind]) => kind === "all" || m?.kind === "PERP");
  const build = (): ({ market: string } & Record<string, unknown>) | string => {
    const out: { market: string } & Record<string, unknown> = { market };
    for (const [k, label] of fields) {
      const s = f[k].trim();
      if (s === "") continue;
      if (k === "minNotional") {
        const v = m ? parseAmount(s, m.quote.decimals) : null;
        if (v === null || v < 0n) return `${label}: a non-negative amount with at most ${m?.quote.decimals} decimals`;
        out[k] = v;
      } else {
        if (!/^-?\d+$/.test(s)) return `${label}: a whole number`;
        out[k] = Number.parseInt(s, 10);
      }
    }
    return Object.keys(out).length === 1 ? "Enter at least one new value" : out;
  };
  const stale =
    submitted !== null &&
    JSON.stringify(build(), (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) !==
      JSON.stringify(submitted, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  const p = preview.data;
  return (
    <Panel title="Change parameters" testId="params-panel">
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          const b = build();
          if (typeof b === "string") return setInputError(b);
          setInputError(null);
          setSubmitted(b);
        }}
      >
        <label>
          Market
          <select
            value={market}
            onChange={(e) => {
              setMarket(e.target.value);
              setF(empty);
              setSubmitted(null);
            }}
          >
            {markets.map((x) => (
              <option key={x.symbol}>{x.symbol}</option>
            ))}
          </select>
        </label>
        {fields.map(([k, label]) => (
          <label key={k}>
            {label}
            {k === "minNotional" ? `, ${m?.quote.symbol}` : ""} (now {current(m, k)})
            <input
              inputMode={k === "minNotional" ? "decimal" : "numeric"}
              value={f[k]}
              onChange={(e) => setF({ ...f, [k]: e.target.value })}
              data-testid={`param-${k}`}
            />
          </label>
        ))}
        <button type="submit">Preview</button>
        {inputError && (
          <p className="error-text small" role="alert">
            {inputError}
          </p>
        )}
      </form>
      <p className="muted small">
        Tick and lot size cannot change on a live market (resting orders sit on the tick grid and are counted in lots):
        halt it and create a new one.
      </p>
      {preview.error ? <ErrorMessage error={preview.error} /> : null}
      {p && m && (
        <div data-testid="params-preview">
          {!p.valid ? (
            <p className="error-text" role="alert">
              Refused by the engine ({p.invalidCode}): {p.invalidReason}
            </p>
          ) : (
            <>
              <p>{p.changes.map((c) => `${c.field} ${c.before} → ${c.after}`).join(", ")}.</p>
              <p data-testid="params-preview-summary">
                {p.liquidations.length} account(s) would be liquidated,{" "}
                {p.positions.filter((x) => x.outcome === "belowInitial").length} would fall below initial margin
                {p.ordersCancelled.length > 0
                  ? `, ${p.ordersCancelled.length} resting buy(s) cancelled (owner cannot cover the higher fee lock)`
                  : ""}
                ; {p.restingOrders} resting orders, {p.ordersBelowMinNotional} below the new minimum (they stay).
              </p>
            </>
          )}
          {p.positions.length > 0 && (
            <table className="data dense">
              <thead>
                <tr>
                  <th>Account</th>
                  <th className="r">Size</th>
                  <th className="r">Equity</th>
                  <th className="r">Maintenance now → after</th>
                  <th className="r">Initial now → after</th>
                  <th>Outcome</th>
                </tr>
              </thead>
              <tbody>
                {p.positions.map((x) => (
                  <tr key={x.account}>
                    <td>
                      <Addr value={x.account} />
                    </td>
                    <td className="r">
                      <Amount value={x.size} decimals={m.base.decimals} max={4} />
                    </td>
                    <td className="r">
                      <Amount value={x.equity} decimals={m.quote.decimals} />
                    </td>
                    <td className="r">
                      <Amount value={x.maintenanceNow} decimals={m.quote.decimals} /> →{" "}
                      <Amount value={x.maintenanceAfter} decimals={m.quote.decimals} />
                    </td>
                    <td className="r">
                      <Amount value={x.initialNow} decimals={m.quote.decimals} /> →{" "}
                      <Amount value={x.initialAfter} decimals={m.quote.decimals} />
                    </td>
                    <td>
                      <span
                        className={`badge ${x.outcome === "ok" ? "ok" : x.outcome === "liquidated" ? "bad" : "warn"}`}
                      >
                        {x.outcome}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {p.valid && role === "admin" && (
            <ReasonAction
              label={p.liquidations.length > 0 ? `Apply (liquidates ${p.liquidations.length})` : "Apply"}
              confirmLabel={`Apply to ${market}`}
              danger={p.liquidations.length > 0 || p.ordersCancelled.length > 0}
              disabled={stale}
              disabledWhy="The form changed since the preview: preview again"
              testId="params-apply"
              success={(r) =>
                `${market} updated (journal seq ${r.seq}): ${r.liquidations.length} liquidation(s)${r.ordersCancelled.length ? `, ${r.ordersCancelled.length} order(s) cancelled` : ""}`
              }
              run={async (reason: string) => {
                const r = await update.mutateAsync({ ...(submitted as { market: string }), reason });
                setSubmitted(null);
                setF(empty);
                await onApplied();
                return r;
              }}
            />
          )}
          {p.valid && role !== "admin" && <p className="muted small">Admins apply changes.</p>}
          <p className="muted small">
            The preview runs the engine&apos;s own command on a copy of its current state; applying names the
            liquidations that actually happened (the book may have moved in between).
          </p>
        </div>
      )}
    </Panel>
  );
}
