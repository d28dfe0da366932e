import { summary as summaryService, accountSummarySchema } from "../../services/account-summary";
import { authedProcedure } from "../trpc";

/** Account value, unrealized PnL, margin used, free collateral, withdrawable and cross leverage per settlement asset; withdrawable per asset. */
export const summary = authedProcedure
  .output(accountSummarySchema)
  .query(({ ctx }) => summaryService(ctx.services.engine, ctx.session.address));
