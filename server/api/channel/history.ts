import { channelsOf } from "../chain";
import { z } from "zod";
import { authedProcedure } from "../trpc";
import { channelIdInput, storedStateSchema } from "./schemas";

/** Every state of the trader's channel that both signed, oldest first. */
export const history = authedProcedure
  .input(channelIdInput)
  .output(z.array(storedStateSchema))
  .query(async ({ ctx, input }) =>
    (await channelsOf(ctx).history(ctx.session.address, input?.channelId)).map(({ trader: _trader, ...s }) => s),
  );
