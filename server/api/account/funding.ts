import { z } from "zod";
import { funding as fundingService } from "../../services/account";
import { authedProcedure } from "../trpc";
import { pageInput } from "./schemas";

/** Funding payments (positive received, negative paid), newest first. */
export const funding = authedProcedure
  .input(pageInput)
  .output(
    z.object({
      payments: z.array(z.object({ seq: z.bigint(), market: z.string(), amountQuote: z.bigint(), timeMs: z.bigint() })),
      nextBefore: z.bigint().nullable(),
    }),
  )
  .query(({ ctx, input }) => fundingService(ctx.services.engine.db, ctx.session.address, input));
