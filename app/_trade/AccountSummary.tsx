"use client";
/**
 * The trader's cross-margin account beside the order form (account.summary, computed by the
 * server from the engine with core's arithmetic): account value, unrealized PnL, margin used,
 * free collateral, withdrawable per asset and cross leverage. Never a negative "available".
 */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatAmount, formatToken } from "../_components/format";
import { useTRPC } from "../_trpc/client";

/** bps of leverage as "3.25×" (the server rounded it up). */
const leverageText = (bps: bigint | null) =>
  bps === null ? "—" : `${formatAmount(bps, 4, { maxFraction: 2, minFraction: 2, group: false })}×`;

export function AccountSummary({ settlement }: { settlement: string }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const q = useQuery({ ...trpc.account.summary.queryOptions(), enabled: !!me.data, refetchInterval: 5_000 });
  if (!me.data) return null;
  const m = q.data?.margin.find((x) => x.asset === settlement) ?? q.data?.margin[0] ?? null;
  const money = (t: { value: string; symbol: string } | undefined, signed = false) =>
    t ? formatToken(t, { maxFraction: 2, minFraction: 2, signed }) : "—";
  const upnlNegative = m?.unrealizedPnl.value.startsWith("-") ?? false;
  const empty =
    q.data !== undefined &&
    q.data.withdrawable.every((w) => /^0(\.0*)?$/.test(w.value)) &&
    !m?.marginUsed.value.match(/[1-9]/);
  return (
    <section className="panel account-summary" aria-labelledby="acct-title" data-testid="account-summary">
      <div className="panel-head">
        <h2 id="acct-title">Account</h2>
        <span className="muted">cross margin</span>
      </div>
      <dl className="summary">
        <dt>Account value</dt>
        <dd className="num" data-testid="account-value">
          {money(m?.accountValue)}
        </dd>
        <dt>Unrealized PnL</dt>
        <dd className={`num ${upnlNegative ? "down" : "up"}`} data-testid="account-upnl">
          {money(m?.unrealizedPnl, true)}
        </dd>
        <dt>Margin used</dt>
        <dd className="num">{money(m?.marginUsed)}</dd>
        <dt>Free collateral</dt>
        <dd className="num" data-testid="free-collateral">
          {money(m?.freeCollateral)}
        </dd>
        <dt>Cross leverage</dt>
        <dd className="num" data-testid="cross-leverage">
          {leverageText(m?.crossLeverageBps ?? null)}
        </dd>
        <dt>Withdrawable</dt>
        <dd className="num withdrawable" data-testid="withdrawable">
          {(q.data?.withdrawable ?? []).map((w) => (
            <span key={w.symbol}>{formatToken(w, { maxFraction: 4 })}</span>
          ))}
        </dd>
      </dl>
      {empty && (
        <p className="muted est" data-testid="no-funds">
          No funds yet: <Link href="/channel">open a channel</Link> with a deposit to start trading.
        </p>
      )}
    </section>
  );
}
