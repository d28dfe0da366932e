"use client";
import { useQuery } from "@tanstack/react-query";
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatTime } from "../../../_components/format";
import { useTRPC } from "../../../_trpc/client";
import { Addr, Amount, bps, Loading, Panel, plot, When } from "../../_ui/ui";

export default function RiskPage() {
  const trpc = useTRPC();
  const accounts = useQuery({ ...trpc.admin.risk.accounts.queryOptions({}), refetchInterval: 3_000 });
  const liqs = useQuery({ ...trpc.admin.risk.liquidations.queryOptions({ limit: 50 }), refetchInterval: 3_000 });
  const insurance = useQuery({ ...trpc.admin.risk.insurance.queryOptions({}), refetchInterval: 10_000 });
  const oi = useQuery({ ...trpc.admin.risk.openInterest.queryOptions(), refetchInterval: 5_000 });
  const adl = useQuery({ ...trpc.admin.risk.adl.queryOptions({}), refetchInterval: 10_000 });
  return (
    <div className="admin-grid">
      <Panel title="Accounts by margin (riskiest first)" testId="risk-accounts">
        <Loading q={accounts}>
          {() =>
            accounts.data!.rows.length === 0 ? (
              <p className="muted">No account holds a perpetual position.</p>
            ) : (
              <div className="table-scroll">
                <table className="data dense">
                  <thead>
                    <tr>
                      <th>Account</th>
                      <th>Status</th>
                      <th className="r">Maint. / equity</th>
                      <th className="r">Equity</th>
                      <th className="r">Maintenance</th>
                      <th className="r">Initial</th>
                      <th className="r">uPnL</th>
                      <th>Positions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {accounts.data!.rows.map((r) => (
                      <tr key={`${r.account}-${r.asset}`}>
                        <td>
                          <Addr value={r.account} />
                        </td>
                        <td>
                          <span
                            className={`badge ${r.status === "below" ? "bad" : r.status === "near" ? "warn" : "ok"}`}
                          >
                            {r.status === "below" ? "below maintenance" : r.status === "near" ? "near" : "ok"}
                          </span>
                        </td>
                        <td className="r num">{r.marginRatioBps === null ? "no equity" : bps(r.marginRatioBps)}</td>
                        <td className="r">
                          <Amount value={r.equity} decimals={r.decimals} unit={r.asset} />
                        </td>
                        <td className="r">
                          <Amount value={r.maintenanceMargin} decimals={r.decimals} />
                        </td>
                        <td className="r">
                          <Amount value={r.initialMargin} decimals={r.decimals} />
                        </td>
                        <td className="r">
                          <Amount value={r.unrealizedPnl} decimals={r.decimals} />
                        </td>
                        <td className="small">
                          {r.positions.map((p) => `${p.market} ${p.size > 0n ? "long" : "short"}`).join(", ")}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </Loading>
      </Panel>

      <Panel title="Liquidations, every step" testId="risk-liquidations">
        <Loading q={liqs}>
          {() =>
            liqs.data!.length === 0 ? (
              <p className="muted">No liquidation yet.</p>
            ) : (
              <ul className="liq-list">
                {liqs.data!.map((l) => (
                  <li key={`${l.seq}-${l.account}-${l.asset}`} data-testid="liquidation" data-account={l.account}>
                    <details>
                      <summary>
                        <When at={l.timeMs} /> · <Addr value={l.account} /> · {l.asset} · equity{" "}
                        <Amount value={l.equityBefore} decimals={l.decimals} /> under maintenance{" "}
                        <Amount value={l.maintenanceMargin} decimals={l.decimals} /> · after{" "}
                        <Amount value={l.equityAfter} decimals={l.decimals} /> · cause {l.cause} (seq {l.seq.toString()}
                        ){l.adl > 0 && <span className="badge warn">ADL ×{l.adl}</span>}
                        {l.insuranceUsed > 0n && <span className="badge warn">insurance used</span>}
                        {l.backstop > 0n && <span className="badge bad">backstop</span>}
                      </summary>
                      <ol className="steps">
                        {l.steps.map((s) => (
                          <li key={s.idx}>
                            <span className="badge">{s.type}</span> {s.text}
                          </li>
                        ))}
                      </ol>
                    </details>
                  </li>
                ))}
              </ul>
            )
          }
        </Loading>
      </Panel>

      <Panel title="Insurance fund per asset">
        <Loading q={insurance}>
          {() =>
            insurance.data!.length === 0 ? (
              <p className="muted">The insurance fund is empty (liquidation fees fill it).</p>
            ) : (
              <div className="charts">
                {insurance.data!.map((s) => (
                  <div key={s.asset}>
                    <p>
                      {s.asset}: <Amount value={s.current} decimals={s.decimals} unit={s.asset} />
                    </p>
                    <ResponsiveContainer width="100%" height={160}>
                      <AreaChart
                        data={s.points.map((p) => ({ t: Number(p.timeMs), balance: plot(p.balance, s.decimals) }))}
                      >
                        <CartesianGrid stroke="#232a33" />
                        <XAxis
                          dataKey="t"
                          type="number"
                          domain={["dataMin", "dataMax"]}
                          tickFormatter={(t: number) => formatTime(t)}
                          stroke="#8a939f"
                          fontSize={11}
                        />
                        <YAxis stroke="#8a939f" fontSize={11} width={70} />
                        <Tooltip
                          labelFormatter={(t) => formatTime(Number(t))}
                          contentStyle={{ background: "#12161c", border: "1px solid #232a33" }}
                        />
                        <Area
                          type="stepAfter"
                          dataKey="balance"
                          stroke="#22c37a"
                          fill="#22c37a33"
                          isAnimationActive={false}
                        />
                      </AreaChart>
                    </ResponsiveContainer>
                  </div>
                ))}
              </div>
            )
          }
        </Loading>
      </Panel>

      <Panel title="Open interest">
        <Loading q={oi}>
          {() => (
            <table className="data dense">
              <thead>
                <tr>
                  <th>Market</th>
                  <th className="r">Open interest</th>
                  <th className="r">Notional at mark</th>
                  <th className="r">Accounts</th>
                </tr>
              </thead>
              <tbody>
                {oi.data!.map((r) => (
                  <tr key={r.market}>
                    <td>{r.market}</td>
                    <td className="r">
                      <Amount value={r.openInterest} decimals={r.baseDecimals} max={4} />
                    </td>
                    <td className="r">
                      <Amount value={r.notional} decimals={r.quoteDecimals} />
                    </td>
                    <td className="r num">{r.accounts}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Loading>
      </Panel>

      <Panel title="Auto-deleveraging">
        <Loading q={adl}>
          {() =>
            adl.data!.length === 0 ? (
              <p className="muted">No auto-deleveraging so far.</p>
            ) : (
              <table className="data dense">
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Market</th>
                    <th>Liquidated</th>
                    <th>Against</th>
                    <th className="r">Size</th>
                  </tr>
                </thead>
                <tbody>
                  {adl.data!.map((a) => (
                    <tr key={`${a.seq}-${a.account}-${a.counterparty}`}>
                      <td>
                        <When at={a.timeMs} />
                      </td>
                      <td>{a.market}</td>
                      <td>
                        <Addr value={a.account} />
                      </td>
                      <td>
                        <Addr value={a.counterparty} />
                      </td>
                      <td className="r num">{a.size.toString()}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Loading>
      </Panel>
    </div>
  );
}
