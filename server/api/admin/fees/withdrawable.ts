import { chainOf } from "../../chain";
import { z } from "zod";
import { withdrawable as withdrawableRows } from "../../../services/admin-fees";
import { operatorProcedure } from "../../trpc";

/**
 * Per custody token: the exchange's free custody balance, what channels being opened reserve
 * from it, and what admin.fees.withdraw may take. `error` says why the chain could not be read
 * (then no rows): the console still answers without a chain.
 */
export const withdrawable = operatorProcedure
  .input(z.void())
  .output(
    z.object({
      rows: z.array(
        z.object({
          asset: z.string(),
          token: z.string(),
          decimals: z.number(),
          balance: z.bigint(),
          reservedForOpening: z.bigint(),
          available: z.bigint(),
        }),
      ),
      error: z.string().nullable(),
    }),
  )
  .query(async ({ ctx }) => {
    try {
      return { rows: await withdrawableRows(ctx.services.engine.db, chainOf(ctx)), error: null };
    } catch (e) {
      return {
        rows: [],
        error: `the exchange's custody balances could not be read: ${(e as Error).message.split("\n")[0]}`,
      };
    }
  });
