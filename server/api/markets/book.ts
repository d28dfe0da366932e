import { z } from "zod";
import { book as bookService } from "../../services/market-data";
import { publicProcedure } from "../trpc";
import { bookSchema } from "./schemas";

/** Aggregated order book: [price per whole token, size] decimal strings, best first; optional price grouping (a multiple of the tick, quote base units). */
export const book = publicProcedure
  .input(
    z.object({
      market: z.string().min(1).max(32),
      depth: z.number().int().min(1).max(500).default(20),
      grouping: z.bigint().positive().optional(),
    }),
  )
  .output(bookSchema)
  .query(({ ctx, input }) => bookService(ctx.services.engine, input.market, input.depth, input.grouping));
