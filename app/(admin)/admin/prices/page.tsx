"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ErrorMessage } from "../../../_components/ErrorMessage";
import { formatAmount, formatTime } from "../../../_components/format";
import { toast } from "../../../_components/toast";
import { useTRPC } from "../../../_trpc/client";
import { useConsoleRole } from "../../_ui/AdminShell";
import { Loading, Panel, plot, When } from "../../_ui/ui";

export default function PricesPage() {
  const trpc = useTRPC();
  const { role } = useConsoleRole();
  const sources = useQuery({ ...trpc.admin.prices.sources.queryOptions(), refetchInterval: 3_000 });
  const [market, setMarket] = useState("ETH-PERP");
  return (
    <div className="admin-grid">
      <Panel title="Mark-price sources">
        <Loading q={sources}>
          {() => (
            <div className="table-scroll">
              <table className="data dense">
                <thead>
                  <tr>
                    <th>Market</th>
                    <th>Source</th>
                    <th className="r">Index</th>
                    <th className="r">Mark</th>
                    <th className="r">Last trade</th>
                    <th>Last update</th>
                  </tr>
                </thead>
                <tbody>
                  {sources.data!.map((s) => (
                    <tr
                      key={s.market}
                      aria-selected={s.market === market}
                      onClick={() => setMarket(s.market)}
                      className="clickable"
                    >
                      <td>
                        <button type="button" className="link-button" onClick={() => setMarket(s.market)}>
                          {s.market}
                        </button>
                      </td>
                      <td title={s.description}>
                        <span className="badge">{s.source}</span> <span className="muted small">{s.description}</span>
                      </td>
                      {[s.index, s.mark, s.last].map((v, i) => (
                        <td key={i} className="r num">
                          {v === null ? "—" : formatAmount(v, s.quoteDecimals, { maxFraction: 2, minFraction: 2 })}
                        </td>
                      ))}
                      <td>
                        {s.lastUpdate ? (
                          <>
                            <When at={s.lastUpdate.timeMs} />{" "}
                            <span className={`badge ${s.lastUpdate.origin === "admin" ? "warn" : ""}`}>
                              {s.lastUpdate.origin}
                            </span>
                            {s.lastUpdate.reason && <span className="muted small"> “{s.lastUpdate.reason}”</span>}
                          </>
                        ) : (
                          <span className="muted">none yet</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Loading>
      </Panel>
      <History market={market} decimals={sources.data?.find((s) => s.market === market)?.quoteDecimals ?? 6} />
      {role === "admin" && sources.data && (
        <Override markets={sources.data.map((s) => s.market)} market={market} setMarket={setMarket} />
      )}
    </div>
  );
}

function History({ market, decimals }: { market: string; decimals: number }) {
  const trpc = useTRPC();
  const h = useQuery({ ...trpc.admin.prices.history.queryOptions({ market, limit: 500 }), refetchInterval: 5_000 });
  const data = (h.data ?? []).map((p) => ({
    t: Number(p.timeMs),
    index: plot(p.index, decimals),
    mark: plot(p.mark, decimals),
    origin: p.origin,
  }));
  const overrides = (h.data ?? []).filter((p) => p.origin === "admin").length;
  return (
    <Panel title={`${market}: index and mark over time`}>
      <Loading q={h}>
        {() =>
          data.length === 0 ? (
            <p className="muted">No mark prices for {market} yet.</p>
          ) : (
            <>
              <div className="chart" data-testid="price-chart">
                <ResponsiveContainer width="100%" height={260}>
                  <LineChart data={data} margin={{ top: 8, right: 16, left: 8, bottom: 0 }}>
                    <CartesianGrid stroke="#232a33" />
                    <XAxis
                      dataKey="t"
                      type="number"
                      domain={["dataMin", "dataMax"]}
                      tickFormatter={(t: number) => formatTime(t)}
                      stroke="#8a939f"
                      fontSize={11}
                    />
                    <YAxis domain={["auto", "auto"]} stroke="#8a939f" fontSize={11} width={70} />
                    <Tooltip
                      labelFormatter={(t) => formatTime(Number(t))}
                      contentStyle={{ background: "#12161c", border: "1px solid #232a33" }}
                    />
                    <Legend />
                    <Line type="stepAfter" dataKey="index" stroke="#4c8dff" dot={false} isAnimationActive={false} />
                    <Line type="stepAfter" dataKey="mark" stroke="#f5b942" dot={false} isAnimationActive={false} />
                  </LineChart>
                </ResponsiveContainer>
              </div>
              <p className="muted small">
                The last {data.length} markPrice events of the journal; {overrides} of them admin overrides.
              </p>
            </>
          )
        }
      </Loading>
    </Panel>
  );
}

function Override({
  markets,
  market,
  setMarket,
}: {
  markets: string[];
  market: string;
  setMarket: (m: string) => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const override = useMutation(trpc.admin.prices.override.mutationOptions());
  const [price, setPrice] = useState("");
  const [reason, setReason] = useState("");
  return (
    <Panel title="Override the index price">
      <form
        className="form-grid"
        data-testid="override-form"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            const r = await override.mutateAsync({ market, price: price.trim(), reason: reason.trim() });
            toast.success(
              `${market} index set to ${price}`,
              r.liquidations.length
                ? `${r.liquidations.length} account(s) liquidated — see Risk.`
                : "No account was liquidated.",
            );
            setReason("");
            await qc.invalidateQueries({ queryKey: trpc.admin.prices.pathKey() });
          } catch {
            /* shown below */
          }
        }}
      >
        <label>
          Market
          <select value={market} onChange={(e) => setMarket(e.target.value)}>
            {markets.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label>
          Price (quote per whole base token)
          <input
            inputMode="decimal"
            value={price}
            onChange={(e) => setPrice(e.target.value)}
            placeholder="e.g. 2450.50"
            required
            pattern="\d+(\.\d+)?"
          />
        </label>
        <label className="span-2">
          Reason (recorded in the journal and the audit log)
          <input value={reason} onChange={(e) => setReason(e.target.value)} minLength={3} required />
        </label>
        <button
          type="submit"
          className="danger"
          disabled={override.isPending || !/^\d+(\.\d+)?$/.test(price.trim()) || reason.trim().length < 3}
        >
          {override.isPending ? "Setting…" : "Set index price"}
        </button>
        {override.error ? <ErrorMessage error={override.error} compact /> : null}
        <p className="muted small span-2">
          The engine derives the mark from it (within its band around the book), fires stops and TP/SL, and liquidates
          accounts below maintenance at once. The simulated feed continues from this price.
        </p>
      </form>
    </Panel>
  );
}
