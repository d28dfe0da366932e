import { z } from "zod";
import { balances as balancesService } from "../../services/account";
import { authedProcedure } from "../trpc";
import { balanceSchema } from "./schemas";

/** Per asset: available and locked (in orders). */
export const balances = authedProcedure
  .output(z.array(balanceSchema))
  .query(({ ctx }) => balancesService(ctx.services.engine, ctx.session.address));
