import { z } from "zod";
import { openOrders as openOrdersService } from "../../services/account";
import { authedProcedure } from "../trpc";
import { openOrderSchema } from "./schemas";

/** Resting orders (price per whole token, remaining size). */
export const openOrders = authedProcedure
  .output(z.array(openOrderSchema))
  .query(({ ctx }) => openOrdersService(ctx.services.engine, ctx.session.address));
