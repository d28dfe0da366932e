import { EVENT_TYPES } from "../../engine/journal-index";
import { z } from "zod";
import { history as historyService } from "../../services/account";
import { authedProcedure } from "../trpc";
import { engineEvent, pageInput } from "./schemas";

/** Every engine event concerning the trader (orders, fills, balances, positions, funding, triggers, liquidations), newest first, paged by journal seq. */
export const history = authedProcedure
  .input(pageInput.extend({ types: z.array(z.enum(EVENT_TYPES)).max(EVENT_TYPES.length).optional() }))
  .output(
    z.object({
      rows: z.array(
        z.object({
          seq: z.bigint(),
          idx: z.number().int(),
          type: z.string(),
          market: z.string().nullable(),
          timeMs: z.bigint(),
          event: engineEvent,
        }),
      ),
      nextBefore: z.bigint().nullable(),
    }),
  )
  .query(({ ctx, input }) => historyService(ctx.services.engine.db, ctx.session.address, input, input.types));
