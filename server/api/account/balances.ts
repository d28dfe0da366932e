import { z } from "zod";
import { balances as balancesService } from "../../services/account";
import { authedProcedure } from "../trpc";

/** Per asset: available and locked (in orders), in base units. */
export const balances = authedProcedure
  .output(
    z.array(z.object({ asset: z.string(), decimals: z.number().int(), available: z.bigint(), locked: z.bigint() })),
  )
  .query(({ ctx }) => balancesService(ctx.services.engine, ctx.session.address));
