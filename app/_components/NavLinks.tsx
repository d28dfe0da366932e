"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTRPC } from "../_trpc/client";

/** The main navigation; the ops console link shows only for operators and admins. */
export function NavLinks() {
  const path = usePathname();
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const links: [string, string, boolean][] = [
    ["/", "Markets", path === "/"],
    ["/markets/ETH-PERP", "Trade", path.startsWith("/markets")],
    ["/channel", "Channel", path.startsWith("/channel")],
  ];
  if (me.data?.roles.some((r) => r === "ADMIN" || r === "OPERATOR"))
    links.push(["/admin", "Admin", path.startsWith("/admin")]);
  return (
    <nav aria-label="Main">
      {links.map(([href, label, on]) => (
        <Link key={href} href={href} aria-current={on ? "page" : undefined}>
          {label}
        </Link>
      ))}
    </nav>
  );
}
