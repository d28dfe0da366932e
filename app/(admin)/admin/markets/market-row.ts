/** One market as the ops console lists it (admin.markets.list). */
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

export type MarketRow = inferRouterOutputs<AppRouter>["admin"]["markets"]["list"][number];
