"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ErrorMessage } from "../../../_components/ErrorMessage";
import { formatAmount, formatDateTime } from "../../../_components/format";
import { toast } from "../../../_components/toast";
import { useTRPC } from "../../../_trpc/client";
import { useConsoleRole } from "../../_ui/AdminShell";
import { Addr, Amount, Loading, Panel, plot } from "../../_ui/ui";

const COLORS = ["#4c8dff", "#22c37a", "#f5b942", "#f0506e", "#a78bfa"];

export default function FeesPage() {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.admin.fees.summary.queryOptions({ bucketSec: 3_600 }), refetchInterval: 15_000 });
  return (
    <Loading q={q}>
      {() => {
        const { buckets, account } = q.data!;
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
                    <tr>
                      <td className="muted">No fee collected yet.</td>
                    </tr>
                  ) : (
                    account.map((a) => (
                      <tr key={a.asset}>
                        <td>{a.asset}</td>
                        <td className="r">
                          <Amount value={a.current} decimals={a.decimals} unit={a.asset} />
                        </td>
                      </tr>
                    ))
                  )}
                </tbody>
              </table>
            </Panel>
            <Panel title="Collected per market, last 7 days">
              <table className="data dense">
                <thead>
                  <tr>
                    <th>Market</th>
                    <th className="r">Net fees</th>
                    <th className="r">Fills</th>
                  </tr>
                </thead>
                <tbody>
                  {[...totals].map(([m, t]) => (
                    <tr key={m}>
                      <td>{m}</td>
                      <td className="r">
                        <Amount value={t.fees} decimals={t.decimals} unit={t.asset} />
                      </td>
                      <td className="r num">{t.fills}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {byTime.size > 0 && (
                <ResponsiveContainer width="100%" height={240}>
                  <BarChart data={[...byTime.values()].sort((a, b) => a.t! - b.t!)}>
                    <CartesianGrid stroke="#232a33" />
                    <XAxis
                      dataKey="t"
                      tickFormatter={(t: number) => formatDateTime(t)}
                      stroke="#8a939f"
                      fontSize={11}
                    />
                    <YAxis stroke="#8a939f" fontSize={11} width={60} />
                    <Tooltip
                      labelFormatter={(t) => formatDateTime(Number(t))}
                      contentStyle={{ background: "#12161c", border: "1px solid #232a33" }}
                    />
                    <Legend />
                    {markets.map((m, i) => (
                      <Bar
                        key={m}
                        dataKey={m}
                        stackId="fees"
                        fill={COLORS[i % COLORS.length]}
                        isAnimationActive={false}
                      />
                    ))}
                  </BarChart>
                </ResponsiveContainer>
              )}
              <p className="muted small">
                Hourly buckets; maker rebates are subtracted; a liquidation&apos;s fee goes to the insurance fund and is
                not counted here.
              </p>
            </Panel>
            <Withdraw />
          </div>
        );
      }}
    </Loading>
  );
}

const DECIMAL = /^\d+(\.\d+)?$/;

/** Withdraw from the exchange's custody account (where fees land as channels resize or close): what is available per token, and the form. */
function Withdraw() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { role } = useConsoleRole();
  const q = useQuery({ ...trpc.admin.fees.withdrawable.queryOptions(), refetchInterval: 15_000 });
  const withdraw = useMutation(trpc.admin.fees.withdraw.mutationOptions());
  const [token, setToken] = useState("");
  const [amount, setAmount] = useState("");
  const [to, setTo] = useState("");
  const [reason, setReason] = useState("");
  return (
    <Panel title="Withdraw from the exchange's custody account" testId="fee-withdrawal">
      <Loading q={q}>
        {() => {
          const { rows, error } = q.data!;
          const selected = rows.find((r) => r.token === token) ?? rows[0];
          return (
            <>
              {error ? <p className="muted">{error}</p> : null}
              <table className="data dense">
                <thead>
                  <tr>
                    <th>Token</th>
                    <th className="r">Free custody balance</th>
                    <th className="r">Reserved for opening channels</th>
                    <th className="r">Available</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.token}>
                      <td>{r.asset}</td>
                      <td className="r">
                        <Amount value={r.balance} decimals={r.decimals} unit={r.asset} />
                      </td>
                      <td className="r">
                        <Amount value={r.reservedForOpening} decimals={r.decimals} unit={r.asset} />
                      </td>
                      <td className="r" data-testid={`fee-available-${r.asset}`}>
                        <Amount value={r.available} decimals={r.decimals} unit={r.asset} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {role === "admin" && selected ? (
                <form
                  className="form-grid"
                  data-testid="fee-withdraw-form"
                  onSubmit={async (e) => {
                    e.preventDefault();
                    try {
                      const r = await withdraw.mutateAsync({
                        token: selected.token,
                        amount: amount.trim(),
                        to: to.trim(),
                        reason: reason.trim(),
                      });
                      toast.success(
                        `${formatAmount(r.amount, selected.decimals, { maxFraction: selected.decimals })} ${r.asset} withdrawn`,
                        `to ${r.to} — tx ${r.txHash}`,
                      );
                      setAmount("");
                      setReason("");
                      await qc.invalidateQueries({ queryKey: trpc.admin.fees.pathKey() });
                    } catch {
                      /* shown below */
                    }
                  }}
                >
                  <label>
                    Token
                    <select value={selected.token} onChange={(e) => setToken(e.target.value)}>
                      {rows.map((r) => (
                        <option key={r.token} value={r.token}>
                          {r.asset}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label>
                    Amount (whole {selected.asset}; available{" "}
                    {formatAmount(selected.available, selected.decimals, {
                      maxFraction: selected.decimals,
                      group: false,
                    })}
                    )
                    <input
                      inputMode="decimal"
                      value={amount}
                      onChange={(e) => setAmount(e.target.value)}
                      placeholder="e.g. 125.5"
                      required
                      pattern="\d+(\.\d+)?"
                    />
                  </label>
                  <label className="span-2">
                    To (address)
                    <input
                      value={to}
                      onChange={(e) => setTo(e.target.value)}
                      placeholder="0x…"
                      required
                      pattern="0x[0-9a-fA-F]{40}"
                    />
                  </label>
                  <label className="span-2">
                    Reason (recorded in the audit log)
                    <input value={reason} onChange={(e) => setReason(e.target.value)} minLength={3} required />
                  </label>
                  <button
                    type="submit"
                    className="danger"
                    disabled={
                      withdraw.isPending ||
                      !DECIMAL.test(amount.trim()) ||
                      !/^0x[0-9a-fA-F]{40}$/.test(to.trim()) ||
                      reason.trim().length < 3
                    }
                  >
                    {withdraw.isPending ? "Withdrawing…" : "Withdraw"}
                  </button>
                  {withdraw.error ? <ErrorMessage error={withdraw.error} compact /> : null}
                </form>
              ) : null}
              <p className="muted small">
                Fees move value to the exchange&apos;s side of each channel; it reaches the exchange&apos;s free custody
                balance when channels resize or close. Available = that balance minus the coverage promised to channels
                being opened (signed, not yet mined). The engine&apos;s fee ledger above is not changed by a withdrawal.
                {withdraw.data ? (
                  <>
                    {" "}
                    Last: <Addr value={withdraw.data.txHash} />.
                  </>
                ) : null}
              </p>
            </>
          );
        }}
      </Loading>
    </Panel>
  );
}
