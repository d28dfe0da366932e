import { z } from "zod";
import { riskAccounts } from "../../../services/admin-risk";
import { operatorProcedure } from "../../trpc";
import { limit, riskRow } from "../schemas";

/** Accounts with open perpetual positions, riskiest first: below maintenance margin, near it (ratio >= nearBps), or ok. */
export const accounts = operatorProcedure
  .input(z.object({ nearBps: z.number().int().min(1).max(10_000).default(8_000), limit: limit(1_000, 200) }))
  .output(z.object({ total: z.number(), rows: z.array(riskRow) }))
  .query(({ ctx, input }) => {
    const rows = riskAccounts(ctx.services.engine, BigInt(input.nearBps));
    return { total: rows.length, rows: rows.slice(0, input.limit) };
  });
