import { z } from "zod";
import { positions as positionsService } from "../../services/account";
import { tokenAmount } from "../../services/wire-units";
import { authedProcedure } from "../trpc";

/** Open perpetual positions: size, entry, mark, estimated liquidation price, PnL, margin ratio. */
export const positions = authedProcedure
  .output(
    z.array(
      z.object({
        market: z.string(),
        size: tokenAmount,
        entryPrice: tokenAmount,
        markPrice: tokenAmount.nullable(),
        liquidationPrice: tokenAmount.nullable(),
        unrealizedPnl: tokenAmount,
        realizedPnl: tokenAmount,
        marginRatioBps: z.bigint().nullable(),
      }),
    ),
  )
  .query(({ ctx }) => positionsService(ctx.services.engine, ctx.session.address));
