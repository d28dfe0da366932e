import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AdminShell } from "../_ui/AdminShell";

export const metadata: Metadata = { title: "Clearline — ops console" };

export default function AdminLayout({ children }: { children: ReactNode }) {
  return <AdminShell>{children}</AdminShell>;
}
