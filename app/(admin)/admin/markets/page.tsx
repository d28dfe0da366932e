"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { formatAmount, formatPips, formatPrice } from "../../../_components/format";
import { useTRPC } from "../../../_trpc/client";
import { useConsoleRole } from "../../_ui/AdminShell";
import { Amount, Loading, Panel, ReasonAction } from "../../_ui/ui";
import { CreateMarket } from "./CreateMarket";
import { PreviewParams } from "./PreviewParams";

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
