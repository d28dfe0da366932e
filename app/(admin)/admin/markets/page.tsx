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
                        {m.haltedInEngine !== (m.status === "HALTED") && <span className="badge warn" title="the engine guard and the database disagree">engine differs</span>}
                      </td>
                      <td className="r num">{m.mark === null ? "—" : formatPrice(m.mark, m.quote.decimals, m.tickSize)}</td>
                      <td className="r num">
                        {formatAmount(m.tickSize, m.quote.decimals)} / {formatAmount(m.lotSize, m.base.decimals)}
                      </td>
                      <td className="r"><Amount value={m.minNotional} decimals={m.quote.decimals} unit={m.quote.symbol} /></td>
                      <td className="r num">{m.kind === "PERP" ? `${m.maxLeverage}× / ${m.initialMarginBps / 100}% / ${m.maintenanceMarginBps / 100}%` : "spot"}</td>
                      <td className="r num">
                        {formatPips(m.makerFeePips)} / {formatPips(m.takerFeePips)}
                      </td>
                      <td className="r num">{m.fundingIntervalSec ? `${m.fundingIntervalSec / 3600} h, cap ${formatPips(m.fundingCapPips ?? 0)}` : "—"}</td>
                      <td className="r num">{m.restingOrders}</td>
                      <td className="r">{m.openInterest === null ? "—" : <Amount value={m.openInterest} decimals={m.base.decimals} max={4} unit={m.base.symbol} />}</td>
                      <td>
                        {role !== "admin" ? (
                          <span className="muted small">admins act</span>
                        ) : m.status === "ACTIVE" ? (
                          <ReasonAction
                            label="Halt"
                            confirmLabel={`Halt ${m.symbol}`}
                            danger
                            testId={`halt-${m.symbol}`}
                            success={(r) => `${m.symbol} halted: new orders are refused, ${r.restingOrders} resting order(s) kept`}
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
        <p className="muted small">A halted market refuses new orders, amendments and cancels with “market X is halted”; it cancels nothing — resting orders, positions, mark prices, funding and liquidations carry on.</p>
      </Panel>
      {markets.data && <PreviewParams markets={markets.data} />}
      {markets.data && role === "admin" && <CreateMarket markets={markets.data} onCreated={refresh} />}
    </div>
  );
}

type Row = inferRouterOutputs<AppRouter>["admin"]["markets"]["list"][number];

function PreviewParams({ markets }: { markets: Row[] }) {
  const trpc = useTRPC();
  const perps = markets.filter((m) => m.kind === "PERP");
  const [market, setMarket] = useState(perps[0]?.symbol ?? markets[0]?.symbol ?? "");
  const m = markets.find((x) => x.symbol === market);
  const [f, setF] = useState({ initialMarginBps: "", maintenanceMarginBps: "", maxLeverage: "", makerFeePips: "", takerFeePips: "", minNotional: "" });
  const [submitted, setSubmitted] = useState<null | Record<string, unknown>>(null);
  const preview = useQuery({ ...trpc.admin.markets.previewParams.queryOptions((submitted ?? { market }) as { market: string }), enabled: submitted !== null });
  const int = (s: string) => (s.trim() === "" ? undefined : Number.parseInt(s, 10));
  return (
    <Panel title="Change parameters: preview">
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          const minNotional = f.minNotional.trim() === "" || !m ? undefined : (parseAmount(f.minNotional, m.quote.decimals) ?? undefined);
          setSubmitted({ market, initialMarginBps: int(f.initialMarginBps), maintenanceMarginBps: int(f.maintenanceMarginBps), maxLeverage: int(f.maxLeverage), makerFeePips: int(f.makerFeePips), takerFeePips: int(f.takerFeePips), minNotional });
        }}
      >
        <label>
          Market
          <select value={market} onChange={(e) => setMarket(e.target.value)}>
            {markets.map((x) => (
              <option key={x.symbol}>{x.symbol}</option>
            ))}
          </select>
        </label>
        {(
          [
            ["initialMarginBps", `Initial margin, bps (now ${m?.initialMarginBps})`],
            ["maintenanceMarginBps", `Maintenance margin, bps (now ${m?.maintenanceMarginBps})`],
            ["maxLeverage", `Max leverage (now ${m?.maxLeverage})`],
            ["makerFeePips", `Maker fee, pips (now ${m?.makerFeePips})`],
            ["takerFeePips", `Taker fee, pips (now ${m?.takerFeePips})`],
            ["minNotional", `Min notional, ${m?.quote.symbol}`],
          ] as const
        ).map(([k, label]) => (
          <label key={k}>
            {label}
            <input inputMode="decimal" value={f[k]} onChange={(e) => setF({ ...f, [k]: e.target.value })} />
          </label>
        ))}
        <button type="submit">Preview</button>
      </form>
      {preview.error ? <ErrorMessage error={preview.error} /> : null}
      {preview.data && (
        <div data-testid="params-preview">
          {!preview.data.valid && <p className="error-text">Invalid: {preview.data.invalidReason}</p>}
          <p>
            {preview.data.positions.filter((p) => p.outcome === "liquidated").length} position(s) would be liquidated, {preview.data.positions.filter((p) => p.outcome === "belowInitial").length} would fall below initial margin; {preview.data.restingOrders} resting orders, {preview.data.ordersBelowMinNotional} below the new minimum.
          </p>
          {preview.data.positions.length > 0 && m && (
            <table className="data dense">
              <thead>
                <tr>
                  <th>Account</th>
                  <th className="r">Size</th>
                  <th className="r">Equity</th>
                  <th className="r">Maintenance now → after</th>
                  <th>Outcome</th>
                </tr>
              </thead>
              <tbody>
                {preview.data.positions.map((p) => (
                  <tr key={p.account}>
                    <td><Addr value={p.account} /></td>
                    <td className="r"><Amount value={p.size} decimals={m.base.decimals} max={4} /></td>
                    <td className="r"><Amount value={p.equity} decimals={m.quote.decimals} /></td>
                    <td className="r">
                      <Amount value={p.maintenanceNow} decimals={m.quote.decimals} /> → <Amount value={p.maintenanceAfter} decimals={m.quote.decimals} />
                    </td>
                    <td><span className={`badge ${p.outcome === "ok" ? "ok" : p.outcome === "liquidated" ? "bad" : "warn"}`}>{p.outcome}</span></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="warn-text small">Not applied: {preview.data.notApplicableBecause}</p>
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
  const [f, setF] = useState({ symbol: "", kind: "PERP" as "SPOT" | "PERP", base: "WETH", quote: "USDC", tick: "0.01", lot: "0.001", minNotional: "10", maxLeverage: "20", im: "500", mm: "250", maker: "100", taker: "500", fundingH: "1", cap: "5000" });
  const set = (k: keyof typeof f) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setF({ ...f, [k]: e.target.value });
  const bd = assets.get(f.base) ?? 18;
  const qd = assets.get(f.quote) ?? 6;
  const tick = parseAmount(f.tick, qd);
  const lot = parseAmount(f.lot, bd);
  const minNotional = parseAmount(f.minNotional, qd);
  const problems: string[] = [];
  if (!/^[A-Za-z0-9._/-]{1,32}$/.test(f.symbol) && f.symbol !== "") problems.push("Symbol: 1–32 letters, digits, . _ / -");
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
            toast.success(`Market ${f.symbol} created`, r.addedToEngine ? "The engine accepts orders in it now." : "Stored, but the engine did not add it: see the server log.");
            await onCreated();
          } catch {
            /* shown below */
          }
        }}
      >
        <label>Symbol<input value={f.symbol} onChange={set("symbol")} placeholder="e.g. ETH-PERP-2" required /></label>
        <label>
          Kind
          <select value={f.kind} onChange={set("kind")}>
            <option value="PERP">Perpetual</option>
            <option value="SPOT">Spot</option>
          </select>
        </label>
        <label>Base asset<select value={f.base} onChange={set("base")}>{[...assets.keys()].map((a) => <option key={a}>{a}</option>)}</select></label>
        <label>Quote asset<select value={f.quote} onChange={set("quote")}>{[...assets.keys()].map((a) => <option key={a}>{a}</option>)}</select></label>
        <label>Tick ({f.quote} per whole {f.base})<input inputMode="decimal" value={f.tick} onChange={set("tick")} /></label>
        <label>Lot ({f.base})<input inputMode="decimal" value={f.lot} onChange={set("lot")} /></label>
        <label>Min notional ({f.quote})<input inputMode="decimal" value={f.minNotional} onChange={set("minNotional")} /></label>
        <label>Maker fee (pips; negative = rebate)<input inputMode="numeric" value={f.maker} onChange={set("maker")} /></label>
        <label>Taker fee (pips)<input inputMode="numeric" value={f.taker} onChange={set("taker")} /></label>
        {f.kind === "PERP" && (
          <>
            <label>Max leverage<input inputMode="numeric" value={f.maxLeverage} onChange={set("maxLeverage")} /></label>
            <label>Initial margin (bps)<input inputMode="numeric" value={f.im} onChange={set("im")} /></label>
            <label>Maintenance margin (bps)<input inputMode="numeric" value={f.mm} onChange={set("mm")} /></label>
            <label>Funding interval (hours)<input inputMode="decimal" value={f.fundingH} onChange={set("fundingH")} /></label>
            <label>Funding cap (pips)<input inputMode="numeric" value={f.cap} onChange={set("cap")} /></label>
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
