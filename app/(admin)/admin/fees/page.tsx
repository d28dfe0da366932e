"use client";
import { useQuery } from "@tanstack/react-query";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatDateTime } from "../../../_components/format";
import { useTRPC } from "../../../_trpc/client";
import { Amount, Loading, Panel, plot } from "../../_ui/ui";

const COLORS = ["#4c8dff", "#22c37a", "#f5b942", "#f0506e", "#a78bfa"];

export default function FeesPage() {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.admin.fees.summary.queryOptions({ bucketSec: 3_600 }), refetchInterval: 15_000 });
  return (
    <Loading q={q}>
      {() => {
        const { buckets, account, withdrawal } = q.data!;
        const markets = [...new Set(buckets.map((b) => b.market))];
        const byTime = new Map<number, Record<string, number>>();
        for (const b of buckets) {
          const t = Number(b.bucketMs);
          byTime.set(t, { ...(byTime.get(t) ?? { t }), [b.market]: plot(b.fees, b.decimals) });
        }
        const totals = new Map<string, { asset: string; decimals: number; fees: bigint; fills: number }>();
        for (const b of buckets) {
          const cur = totals.get(b.market) ?? { asset: b.asset, decimals: b.decimals, fees: 0n, fills: 0 };
          cur.fees += b.fees;
          cur.fills += b.fills;
          totals.set(b.market, cur);
        }
        return (
          <div className="admin-grid">
            <Panel title="Fee account (what the exchange earned, per asset)">
              <table className="data dense">
                <tbody>
                  {account.length === 0 ? (
                    <tr><td className="muted">No fee collected yet.</td></tr>
                  ) : (
                    account.map((a) => (
                      <tr key={a.asset}>
                        <td>{a.asset}</td>
                        <td className="r"><Amount value={a.current} decimals={a.decimals} unit={a.asset} /></td>
                      </tr>
                    ))
                  )}
                </tbody>
              </table>
            </Panel>
            <Panel title="Collected per market, last 7 days">
              <table className="data dense">
                <thead>
                  <tr><th>Market</th><th className="r">Net fees</th><th className="r">Fills</th></tr>
                </thead>
                <tbody>
                  {[...totals].map(([m, t]) => (
                    <tr key={m}><td>{m}</td><td className="r"><Amount value={t.fees} decimals={t.decimals} unit={t.asset} /></td><td className="r num">{t.fills}</td></tr>
                  ))}
                </tbody>
              </table>
              {byTime.size > 0 && (
                <ResponsiveContainer width="100%" height={240}>
                  <BarChart data={[...byTime.values()].sort((a, b) => a.t! - b.t!)}>
                    <CartesianGrid stroke="#232a33" />
                    <XAxis dataKey="t" tickFormatter={(t: number) => formatDateTime(t)} stroke="#8a939f" fontSize={11} />
                    <YAxis stroke="#8a939f" fontSize={11} width={60} />
                    <Tooltip labelFormatter={(t) => formatDateTime(Number(t))} contentStyle={{ background: "#12161c", border: "1px solid #232a33" }} />
                    <Legend />
                    {markets.map((m, i) => (
                      <Bar key={m} dataKey={m} stackId="fees" fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
                    ))}
                  </BarChart>
                </ResponsiveContainer>
              )}
              <p className="muted small">Hourly buckets; maker rebates are subtracted; a liquidation&apos;s fee goes to the insurance fund and is not counted here.</p>
            </Panel>
            <Panel title="Withdraw fees">
              <p data-testid="fee-withdrawal">{withdrawal.why}</p>
            </Panel>
          </div>
        );
      }}
    </Loading>
  );
}
