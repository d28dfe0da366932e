import { z } from "zod";
import { openOrders as openOrdersService } from "../../services/account";
import { tokenAmount } from "../../services/wire-units";
import { authedProcedure } from "../trpc";

/** Resting orders (price per whole token, remaining size). */
export const openOrders = authedProcedure
  .output(
    z.array(
      z.object({
        orderId: z.number().int(),
        market: z.string(),
        side: z.enum(["buy", "sell"]),
        price: tokenAmount,
        size: tokenAmount,
      }),
    ),
  )
  .query(({ ctx }) => openOrdersService(ctx.services.engine, ctx.session.address));
