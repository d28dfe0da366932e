"use client";
import { createContext, use } from "react";
import type { PublicConfig } from "@/server/public-config";

export const PublicConfigContext = createContext<PublicConfig | null>(null);

/** The server's public configuration (chain, contract and token addresses). */
export function usePublicConfig(): PublicConfig {
  const cfg = use(PublicConfigContext);
  if (!cfg) throw new Error("usePublicConfig outside <Providers>");
  return cfg;
}
