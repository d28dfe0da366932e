import { z } from "zod";
import { INSURANCE_ACCOUNT, reservedBalanceSeries } from "../../../services/admin-risk";
import { operatorProcedure } from "../../trpc";
import { balanceSeries, limit } from "../schemas";

/** The insurance fund per asset: its balance now and every change over time (liquidation fees in, bankruptcy cover out). */
export const insurance = operatorProcedure
  .input(z.object({ limit: limit(5_000, 1_000) }))
  .output(z.array(balanceSeries))
  .query(({ ctx, input }) => {
    const rt = ctx.services.engine;
    return reservedBalanceSeries(rt, rt.db, INSURANCE_ACCOUNT, input.limit);
  });
