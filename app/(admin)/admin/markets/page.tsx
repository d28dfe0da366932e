"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import { useMemo, useState } from "react";
import { ErrorMessage } from "../../../_components/ErrorMessage";
import { formatAmount, formatPips, formatPrice, parseAmount } from "../../../_components/format";
import { toast } from "../../../_components/toast";
import { useTRPC } from "../../../_trpc/client";
import { useConsoleRole } from "../../_ui/AdminShell";
import { Addr, Amount, Loading, Panel, ReasonAction } from "../../_ui/ui";

export default function MarketsPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { role } = useConsoleRole();
  const markets = useQuery({ ...trpc.admin.markets.list.queryOptions(), refetchInterval: 5_000 });
  const halt = useMutation(trpc.admin.markets.halt.mutationOptions());
  const resume = useMutation(trpc.admin.markets.resume.mutationOptions());
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.admin.markets.list.queryKey() });
  return (
    <div className="admin-grid">
      <Panel title="Markets" testId="markets-panel">
        <Loading q={markets}>
          {() => (
            <div className="table-scroll">
              <table className="data dense">
                <thead>
                  <tr>
                    <th>Market</th>
                    <th>Status</th>
                    <th className="r">Mark</th>
                    <th className="r">Tick / lot</th>
                    <th className="r">Min notional</th>
                    <th className="r">Lev / IM / MM</th>
                    <th className="r">Maker / taker</th>
                    <th className="r">Funding</th>
                    <th className="r">Resting</th>
                    <th className="r">Open interest</th>
                    <th>Action</th>
                  </tr>
                </thead>
                <tbody>
                  {markets.data!.map((m) => (
                    <tr key={m.symbol} data-testid={`market-row-${m.symbol}`}>
                      <td>
                        {m.symbol} <span className="muted small">{m.kind}</span>
                      </td>
                      <td>
                        <span className={`badge ${m.status === "ACTIVE" ? "ok" : "bad"}`} data-testid="market-status">
                          {m.status}
                        </span>
                        {m.haltedInEngine !== (m.status === "HALTED") && (
                          <span className="badge warn" title="the engine guard and the database disagree">
                            engine differs
                          </span>
                        )}
                      </td>
                      <td className="r num">
                        {m.mark === null ? "—" : formatPrice(m.mark, m.quote.decimals, m.tickSize)}
                      </td>
                      <td className="r num">
                        {formatAmount(m.tickSize, m.quote.decimals)} / {formatAmount(m.lotSize, m.base.decimals)}
                      </td>
                      <td className="r">
                        <Amount value={m.minNotional} decimals={m.quote.decimals} unit={m.quote.symbol} />
                      </td>
                      <td className="r num">
                        {m.kind === "PERP"
                          ? `${m.maxLeverage}× / ${m.initialMarginBps / 100}% / ${m.maintenanceMarginBps / 100}%`
                          : "spot"}
                      </td>
                      <td className="r num">
                        {formatPips(m.makerFeePips)} / {formatPips(m.takerFeePips)}
                      </td>
                      <td className="r num">
                        {m.fundingIntervalSec
                          ? `${m.fundingIntervalSec / 3600} h, cap ${formatPips(m.fundingCapPips ?? 0)}`
                          : "—"}
                      </td>
                      <td className="r num">{m.restingOrders}</td>
                      <td className="r">
                        {m.openInterest === null ? (
                          "—"
                        ) : (
                          <Amount value={m.openInterest} decimals={m.base.decimals} max={4} unit={m.base.symbol} />
                        )}
                      </td>
                      <td>
                        {role !== "admin" ? (
                          <span className="muted small">admins act</span>
                        ) : m.status === "ACTIVE" ? (
                          <ReasonAction
                            label="Halt"
                            confirmLabel={`Halt ${m.symbol}`}
                            danger
                            testId={`halt-${m.symbol}`}
                            success={(r) =>
                              `${m.symbol} halted: new orders are refused, ${r.restingOrders} resting order(s) kept`
                            }
                            run={async (reason: string) => {
                              const r = await halt.mutateAsync({ market: m.symbol, reason });
                              await refresh();
                              return r;
                            }}
                          />
                        ) : (
                          <ReasonAction
                            label="Resume"
                            confirmLabel={`Resume ${m.symbol}`}
                            testId={`resume-${m.symbol}`}
                            success={`${m.symbol} resumed`}
                            run={async (reason) => {
                              await resume.mutateAsync({ market: m.symbol, reason });
                              await refresh();
                            }}
                          />
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Loading>
        <p className="muted small">
          A halted market refuses new orders, amendments and cancels with “market X is halted”; it cancels nothing —
          resting orders, positions, mark prices, funding and liquidations carry on.
        </p>
      </Panel>
      {markets.data && <PreviewParams markets={markets.data} onApplied={refresh} />}
      {markets.data && role === "admin" && <CreateMarket markets={markets.data} onCreated={refresh} />}
    </div>
  );
}

type Row = inferRouterOutputs<AppRouter>["admin"]["markets"]["list"][number];

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

function current(m: Row | undefined, k: ParamKey): string {
  if (!m) return "";
  if (k === "minNotional") return formatAmount(m.minNotional, m.quote.decimals);
  const v = m[k];
  return v === null || v === undefined ? "—" : String(v);
}

/** Edit a market's parameters: preview (the engine's command on a copy of its state), then apply with a reason. */
function PreviewParams({ markets, onApplied }: { markets: Row[]; onApplied: () => unknown }) {
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

function CreateMarket({ markets, onCreated }: { markets: Row[]; onCreated: () => unknown }) {
  const trpc = useTRPC();
  const create = useMutation(trpc.admin.markets.create.mutationOptions());
  const assets = useMemo(() => {
    const out = new Map<string, number>();
    for (const m of markets) {
      out.set(m.base.symbol, m.base.decimals);
      out.set(m.quote.symbol, m.quote.decimals);
    }
    return out;
  }, [markets]);
  const [f, setF] = useState({
    symbol: "",
    kind: "PERP" as "SPOT" | "PERP",
    base: "WETH",
    quote: "USDC",
    tick: "0.01",
    lot: "0.001",
    minNotional: "10",
    maxLeverage: "20",
    im: "500",
    mm: "250",
    maker: "100",
    taker: "500",
    fundingH: "1",
    cap: "5000",
  });
  const set = (k: keyof typeof f) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setF({ ...f, [k]: e.target.value });
  const bd = assets.get(f.base) ?? 18;
  const qd = assets.get(f.quote) ?? 6;
  const tick = parseAmount(f.tick, qd);
  const lot = parseAmount(f.lot, bd);
  const minNotional = parseAmount(f.minNotional, qd);
  const problems: string[] = [];
  if (!/^[A-Za-z0-9._/-]{1,32}$/.test(f.symbol) && f.symbol !== "")
    problems.push("Symbol: 1–32 letters, digits, . _ / -");
  if (tick === null || tick <= 0n) problems.push(`Tick: a positive number with at most ${qd} decimals`);
  if (lot === null || lot <= 0n) problems.push(`Lot: a positive number with at most ${bd} decimals`);
  if (minNotional === null) problems.push("Min notional: a number");
  return (
    <Panel title="Create a market">
      <form
        className="form-grid"
        onSubmit={async (e) => {
          e.preventDefault();
          if (problems.length) return;
          try {
            const perp = f.kind === "PERP";
            const r = await create.mutateAsync({
              symbol: f.symbol,
              kind: f.kind,
              baseAsset: f.base,
              quoteAsset: f.quote,
              tickSize: tick!,
              lotSize: lot!,
              minNotional: minNotional!,
              maxLeverage: perp ? Number(f.maxLeverage) : 1,
              initialMarginBps: perp ? Number(f.im) : 10_000,
              maintenanceMarginBps: perp ? Number(f.mm) : 10_000,
              makerFeePips: Number(f.maker),
              takerFeePips: Number(f.taker),
              fundingIntervalSec: perp ? Math.round(Number(f.fundingH) * 3600) : null,
              fundingCapPips: perp ? Number(f.cap) : null,
            });
            toast.success(
              `Market ${f.symbol} created`,
              r.addedToEngine
                ? "The engine accepts orders in it now."
                : "Stored, but the engine did not add it: see the server log.",
            );
            await onCreated();
          } catch {
            /* shown below */
          }
        }}
      >
        <label>
          Symbol
          <input value={f.symbol} onChange={set("symbol")} placeholder="e.g. ETH-PERP-2" required />
        </label>
        <label>
          Kind
          <select value={f.kind} onChange={set("kind")}>
            <option value="PERP">Perpetual</option>
            <option value="SPOT">Spot</option>
          </select>
        </label>
        <label>
          Base asset
          <select value={f.base} onChange={set("base")}>
            {[...assets.keys()].map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label>
          Quote asset
          <select value={f.quote} onChange={set("quote")}>
            {[...assets.keys()].map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label>
          Tick ({f.quote} per whole {f.base})<input inputMode="decimal" value={f.tick} onChange={set("tick")} />
        </label>
        <label>
          Lot ({f.base})<input inputMode="decimal" value={f.lot} onChange={set("lot")} />
        </label>
        <label>
          Min notional ({f.quote})<input inputMode="decimal" value={f.minNotional} onChange={set("minNotional")} />
        </label>
        <label>
          Maker fee (pips; negative = rebate)
          <input inputMode="numeric" value={f.maker} onChange={set("maker")} />
        </label>
        <label>
          Taker fee (pips)
          <input inputMode="numeric" value={f.taker} onChange={set("taker")} />
        </label>
        {f.kind === "PERP" && (
          <>
            <label>
              Max leverage
              <input inputMode="numeric" value={f.maxLeverage} onChange={set("maxLeverage")} />
            </label>
            <label>
              Initial margin (bps)
              <input inputMode="numeric" value={f.im} onChange={set("im")} />
            </label>
            <label>
              Maintenance margin (bps)
              <input inputMode="numeric" value={f.mm} onChange={set("mm")} />
            </label>
            <label>
              Funding interval (hours)
              <input inputMode="decimal" value={f.fundingH} onChange={set("fundingH")} />
            </label>
            <label>
              Funding cap (pips)
              <input inputMode="numeric" value={f.cap} onChange={set("cap")} />
            </label>
          </>
        )}
        {problems.map((p) => (
          <p key={p} className="error-text small" role="alert">
            {p}
          </p>
        ))}
        <button type="submit" className="primary" disabled={create.isPending || problems.length > 0 || f.symbol === ""}>
          {create.isPending ? "Creating…" : "Create market"}
        </button>
        {create.error ? <ErrorMessage error={create.error} compact /> : null}
      </form>
    </Panel>
  );
}
