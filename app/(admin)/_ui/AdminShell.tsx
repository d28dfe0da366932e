"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { SkeletonRows } from "../../_components/Skeleton";
import { useTRPC } from "../../_trpc/client";

const SECTIONS: [string, string][] = [
  ["/admin", "Overview"],
  ["/admin/markets", "Markets"],
  ["/admin/prices", "Prices"],
  ["/admin/risk", "Risk"],
  ["/admin/channels", "Channels"],
  ["/admin/users", "Users"],
  ["/admin/fees", "Fees"],
  ["/admin/health", "Health"],
  ["/admin/audit", "Audit log"],
  ["/admin/roles", "Roles"],
];

/** The role of the signed-in user in the console: "admin" acts, "operator" reads, null: no access. */
export function useConsoleRole(): { role: "admin" | "operator" | null; loading: boolean; address: string | null } {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const roles = me.data?.roles ?? [];
  const role = roles.includes("ADMIN") ? "admin" : roles.includes("OPERATOR") ? "operator" : null;
  return { role, loading: me.isPending, address: me.data?.address ?? null };
}

/** Section navigation and the access check (the API enforces roles; this only explains). */
export function AdminShell({ children }: { children: ReactNode }) {
  const path = usePathname();
  const { role, loading } = useConsoleRole();
  return (
    <main className="page admin">
      <nav className="admin-nav" aria-label="Ops console">
        {SECTIONS.map(([href, label]) => (
          <Link
            key={href}
            href={href}
            aria-current={(href === "/admin" ? path === href : path.startsWith(href)) ? "page" : undefined}
          >
            {label}
          </Link>
        ))}
        {role && (
          <span className={`badge ${role === "admin" ? "ok" : ""}`} data-testid="console-role">
            {role === "admin" ? "admin: can act" : "operator: read-only"}
          </span>
        )}
      </nav>
      {loading ? (
        <SkeletonRows rows={6} />
      ) : role === null ? (
        <section className="panel" role="alert">
          <h2>Ops console</h2>
          <p>
            This console needs the operator or admin role. Connect the wallet of an operator or admin and sign in (top
            right).
          </p>
        </section>
      ) : (
        children
      )}
    </main>
  );
}
