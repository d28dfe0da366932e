import { z } from "zod";
import { getEngineRuntime } from "../../engine/runtime";
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
  .query(({ ctx }) => openOrdersService(getEngineRuntime(), ctx.session.address));
