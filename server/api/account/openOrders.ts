import { z } from "zod";
import { openOrders as openOrdersService } from "../../services/account";
import { authedProcedure } from "../trpc";

/** Resting orders (price per whole token, remaining size in base units). */
export const openOrders = authedProcedure
  .output(
    z.array(
      z.object({
        orderId: z.number().int(),
        market: z.string(),
        side: z.enum(["buy", "sell"]),
        price: z.bigint(),
        size: z.bigint(),
      }),
    ),
  )
  .query(({ ctx }) => openOrdersService(ctx.services.engine, ctx.session.address));
