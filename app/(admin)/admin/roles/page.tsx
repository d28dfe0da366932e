"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../../../_trpc/client";
import { useConsoleRole } from "../../_ui/AdminShell";
import { Addr, Loading, Panel, ReasonAction, When } from "../../_ui/ui";

const MANAGED = ["OPERATOR", "ADMIN", "BROKER"] as const;

export default function RolesPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { role, address: me } = useConsoleRole();
  const list = useQuery(trpc.admin.roles.list.queryOptions());
  const grant = useMutation(trpc.admin.roles.grant.mutationOptions());
  const revoke = useMutation(trpc.admin.roles.revoke.mutationOptions());
  const [address, setAddress] = useState("");
  const [newRole, setNewRole] = useState<(typeof MANAGED)[number]>("OPERATOR");
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.admin.roles.list.queryKey() });
  return (
    <div className="admin-grid">
      <Panel title="Role holders">
        <Loading q={list}>
          {() => (
            <table className="data dense">
              <thead>
                <tr>
                  <th>Address</th>
                  <th>Roles</th>
                  <th>Since</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {list.data!.map((u) => (
                  <tr key={u.address}>
                    <td>
                      <Addr value={u.address} />
                      {u.address === me && <span className="muted small"> (you)</span>}
                    </td>
                    <td>
                      {u.roles
                        .filter((r) => r !== "TRADER")
                        .map((r) => (
                          <span key={r} className="badge">
                            {r}
                          </span>
                        ))}
                    </td>
                    <td>
                      <When at={u.createdAt} />
                    </td>
                    <td className="actions">
                      {role === "admin" &&
                        u.roles
                          .filter((r): r is (typeof MANAGED)[number] => r !== "TRADER")
                          .map((r) => (
                            <ReasonAction
                              key={r}
                              label={`Revoke ${r}`}
                              danger
                              success={`${r} revoked`}
                              run={async (reason) => {
                                await revoke.mutateAsync({ address: u.address, role: r, reason });
                                await refresh();
                              }}
                            />
                          ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Loading>
        <p className="muted small">
          Operators read the console; admins act. Changes apply on the user&apos;s next request. The first admin comes
          from ADMIN_ADDRESS; the last admin cannot be revoked.
        </p>
      </Panel>
      {role === "admin" && (
        <Panel title="Grant a role">
          <ReasonAction
            label="Grant…"
            success={`${newRole} granted`}
            run={async (reason) => {
              await grant.mutateAsync({ address: address.trim(), role: newRole, reason });
              await refresh();
            }}
          >
            <label>
              Address
              <input
                value={address}
                onChange={(e) => setAddress(e.target.value)}
                placeholder="0x…"
                pattern="0x[0-9a-fA-F]{40}"
                required
              />
            </label>
            <label>
              Role
              <select value={newRole} onChange={(e) => setNewRole(e.target.value as (typeof MANAGED)[number])}>
                {MANAGED.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            </label>
          </ReasonAction>
        </Panel>
      )}
    </div>
  );
}
