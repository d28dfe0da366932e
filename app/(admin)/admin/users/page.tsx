"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../../../_trpc/client";
import { useConsoleRole } from "../../_ui/AdminShell";
import { Addr, bps, Loading, Panel, ReasonAction, Token, When } from "../../_ui/ui";

export default function UsersPage() {
  const trpc = useTRPC();
  const [query, setQuery] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const search = useQuery(trpc.admin.users.search.queryOptions({ query, limit: 50 }));
  return (
    <div className="admin-grid">
      <Panel title="Users">
        <label className="search">
          Search by address
          <input
            value={query}
            onChange={(e) => setQuery(e.target.value.trim())}
            placeholder="0x… (any part)"
            data-testid="user-search"
          />
        </label>
        <Loading q={search}>
          {() => (
            <table className="data dense">
              <thead>
                <tr>
                  <th>Address</th>
                  <th>Roles</th>
                  <th>Trading</th>
                  <th className="r">Channels</th>
                  <th>Since</th>
                </tr>
              </thead>
              <tbody>
                {search.data!.map((u) => (
                  <tr key={u.address}>
                    <td>
                      <button type="button" className="link-button num" onClick={() => setSelected(u.address)}>
                        {u.address}
                      </button>
                    </td>
                    <td className="small">{u.roles.join(", ")}</td>
                    <td>
                      {u.suspendedAt ? (
                        <span className="badge bad" title={u.suspendReason ?? ""}>
                          suspended
                        </span>
                      ) : (
                        <span className="badge ok">active</span>
                      )}
                    </td>
                    <td className="r num">{u.channels}</td>
                    <td>
                      <When at={u.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Loading>
        {/^0x[0-9a-fA-F]{40}$/.test(query) && (
          <button type="button" onClick={() => setSelected(query)}>
            Open {query.slice(0, 10)}… (also without a user row)
          </button>
        )}
      </Panel>
      {selected && <UserDetail address={selected} />}
    </div>
  );
}

function UserDetail({ address }: { address: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { role } = useConsoleRole();
  const d = useQuery({ ...trpc.admin.users.detail.queryOptions({ address }), refetchInterval: 5_000 });
  const suspend = useMutation(trpc.admin.users.suspend.mutationOptions());
  const resume = useMutation(trpc.admin.users.resume.mutationOptions());
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.admin.users.pathKey() });
  return (
    <Panel title={`User ${address}`} testId="user-detail">
      <Loading q={d}>
        {() => {
          const u = d.data!;
          const suspended = !!u.user?.suspendedAt;
          return (
            <>
              <p>
                {u.user ? `Roles: ${u.user.roles.join(", ")}.` : "Never signed in (no user row)."}{" "}
                {suspended ? (
                  <span className="badge bad">
                    suspended since {u.user!.suspendedAt!.toISOString()}: {u.user!.suspendReason}
                  </span>
                ) : (
                  <span className="badge ok">may trade</span>
                )}
                {u.suspendedInEngine !== suspended && <span className="badge warn">engine guard differs</span>}
              </p>
              {role === "admin" &&
                (suspended ? (
                  <ReasonAction
                    label="Resume trading"
                    success={`${address.slice(0, 10)}… may trade again`}
                    run={async (reason) => {
                      await resume.mutateAsync({ address, reason });
                      await refresh();
                    }}
                  />
                ) : (
                  <ReasonAction
                    label="Suspend trading"
                    danger
                    success={`${address.slice(0, 10)}… suspended`}
                    run={async (reason) => {
                      await suspend.mutateAsync({ address, reason });
                      await refresh();
                    }}
                  />
                ))}
              <h3>Balances</h3>
              <table className="data dense">
                <tbody>
                  {u.balances.map((b) => (
                    <tr key={b.asset}>
                      <td>{b.asset}</td>
                      <td className="r">
                        available <Token t={b.available} max={6} symbol={false} />
                      </td>
                      <td className="r">
                        locked <Token t={b.locked} max={6} symbol={false} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h3>Positions</h3>
              {u.positions.length === 0 ? (
                <p className="muted">None.</p>
              ) : (
                <table className="data dense">
                  <tbody>
                    {u.positions.map((p) => {
                      return (
                        <tr key={p.market}>
                          <td>{p.market}</td>
                          <td className="r">
                            size <Token t={p.size} max={4} />
                          </td>
                          <td className="r">
                            entry <Token t={p.entryPrice} symbol={false} />
                          </td>
                          <td className="r">
                            uPnL <Token t={p.unrealizedPnl} />
                          </td>
                          <td className="r">margin ratio {bps(p.marginRatioBps)}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              )}
              <h3>Resting orders</h3>
              {u.orders.length === 0 ? (
                <p className="muted">None.</p>
              ) : (
                <table className="data dense">
                  <tbody>
                    {u.orders.map((o) => (
                      <tr key={o.orderId}>
                        <td>#{o.orderId}</td>
                        <td>{o.market}</td>
                        <td>{o.side}</td>
                        <td className="r">
                          <Token t={o.price} symbol={false} />
                        </td>
                        <td className="r">
                          <Token t={o.size} max={6} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <h3>Channels</h3>
              {u.channels.length === 0 ? (
                <p className="muted">None.</p>
              ) : (
                <table className="data dense">
                  <tbody>
                    {u.channels.map((c) => (
                      <tr key={c.id}>
                        <td>
                          <Addr value={c.id} />
                        </td>
                        <td>
                          <span className="badge">{c.status}</span>
                        </td>
                        <td className="num">
                          v{c.latestVersion.toString()} / co-signed {c.coSignedVersion?.toString() ?? "—"} / on-chain{" "}
                          {c.onChainVersion?.toString() ?? "—"}
                        </td>
                        <td className="small">{c.alert ?? ""}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          );
        }}
      </Loading>
    </Panel>
  );
}
