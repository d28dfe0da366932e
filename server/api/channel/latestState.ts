import { channelsOf } from "../chain";
import { z } from "zod";
import { authedProcedure } from "../trpc";
import { channelIdInput, storedStateSchema } from "./schemas";

/** The newest exchange-signed state of the trader's channel, and the newest one both signed. */
export const latestState = authedProcedure
  .input(channelIdInput)
  .output(z.object({ latest: storedStateSchema, coSigned: storedStateSchema.nullable() }))
  .query(async ({ ctx, input }) => {
    const { latest, coSigned } = await channelsOf(ctx).latestState(ctx.session.address, input?.channelId);
    return { latest, coSigned };
  });
