import { z } from "zod";
import { coverage as cov } from "../../../services/admin-channels";
import { operatorProcedure } from "../../trpc";
import { coverageRow } from "../schemas";

/** Per custody token: what the books owe traders vs what custody holds (coverage(token): the exchange's free balance + locked in channels). */
export const coverage = operatorProcedure
  .output(z.object({ rows: z.array(coverageRow), error: z.string().nullable() }))
  .query(async ({ ctx }) => {
    return cov(ctx.services.engine, ctx.services.db, ctx.services.chain);
  });
