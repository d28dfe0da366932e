import { z } from "zod";
import { positions as positionsService } from "../../services/account";
import { authedProcedure } from "../trpc";

/** Open perpetual positions: size, entry, mark, estimated liquidation price, PnL, margin ratio. */
export const positions = authedProcedure
  .output(
    z.array(
      z.object({
        market: z.string(),
        size: z.bigint(),
        entryPrice: z.bigint(),
        markPrice: z.bigint().nullable(),
        liquidationPrice: z.bigint().nullable(),
        unrealizedPnlQuote: z.bigint(),
        realizedPnlQuote: z.bigint(),
        marginRatioBps: z.bigint().nullable(),
      }),
    ),
  )
  .query(({ ctx }) => positionsService(ctx.services.engine, ctx.session.address));
