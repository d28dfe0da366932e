import { z } from "zod";
import { triggerOrders as triggerOrdersService } from "../../services/account";
import { authedProcedure } from "../trpc";
import { triggerOrderSchema } from "./schemas";

/** Pending stop / take-profit / stop-loss orders (trigger per whole token); cancel them with orders.cancel. */
export const triggerOrders = authedProcedure
  .output(z.array(triggerOrderSchema))
  .query(({ ctx }) => triggerOrdersService(ctx.services.engine, ctx.session.address));
