import { z } from "zod";
import { balances as balancesService } from "../../services/account";
import { tokenAmount } from "../../services/wire-units";
import { authedProcedure } from "../trpc";

/** Per asset: available and locked (in orders). */
export const balances = authedProcedure
  .output(z.array(z.object({ asset: z.string(), available: tokenAmount, locked: tokenAmount, total: tokenAmount })))
  .query(({ ctx }) => balancesService(ctx.services.engine, ctx.session.address));
