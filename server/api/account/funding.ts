import { z } from "zod";
import { funding as fundingService } from "../../services/account";
import { tokenAmount } from "../../services/wire-units";
import { authedProcedure } from "../trpc";
import { pageInput } from "./schemas";

/** Funding payments (positive received, negative paid), newest first. */
export const funding = authedProcedure
  .input(pageInput)
  .output(
    z.object({
      payments: z.array(z.object({ seq: z.bigint(), market: z.string(), amount: tokenAmount, timeMs: z.bigint() })),
      nextBefore: z.bigint().nullable(),
    }),
  )
  .query(({ ctx, input }) => fundingService(ctx.services.engine, ctx.session.address, input));
