import { z } from "zod";
import { listChannels } from "../../../services/admin-channels";
import { operatorProcedure } from "../../trpc";
import { channelRow, limit } from "../schemas";

/** Channels by status (counts of every status, and the rows of one or all), most recently changed first. */
export const list = operatorProcedure
  .input(
    z.object({
      status: z.enum(["OPENING", "ACTIVE", "CHALLENGED", "CLOSING", "CLOSED"]).optional(),
      limit: limit(1_000, 200),
    }),
  )
  .output(z.object({ counts: z.record(z.string(), z.number()), channels: z.array(channelRow) }))
  .query(({ ctx, input }) => listChannels(ctx.services.engine.db, input));
