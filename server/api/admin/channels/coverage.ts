import { z } from "zod";
import { getEngineRuntime } from "../../../engine/runtime";
import { coverage as cov } from "../../../services/admin-channels";
import { operatorProcedure } from "../../trpc";
import { chainDeps } from "../deps";
import { coverageRow } from "../schemas";

/** Per custody token: what the books owe traders vs what custody holds (coverage(token): the exchange's free balance + locked in channels). */
export const coverage = operatorProcedure
  .output(z.object({ rows: z.array(coverageRow), error: z.string().nullable() }))
  .query(async () => {
    const rt = getEngineRuntime();
    const chain = await chainDeps();
    return cov(rt, rt.db, chain);
  });
