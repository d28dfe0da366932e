import type { Address } from "viem";
import { z } from "zod";
import { isClearlineError } from "../../../core/errors";
import { authedProcedure } from "../trpc";

/**
 * Whether the signed-in trader has a channel (any status), so a newcomer's browser asks the
 * channel procedures nothing it would get a 404 for (issue 21: console 404s without a channel).
 */
export const channelPresence = authedProcedure.output(z.object({ hasChannel: z.boolean() })).query(async ({ ctx }) => {
  const channels = ctx.services.channels;
  if (channels === null) return { hasChannel: false };
  try {
    await channels.status(ctx.session.address as Address);
    return { hasChannel: true };
  } catch (e) {
    if (isClearlineError(e) && e.code === "CHANNEL_NOT_FOUND") return { hasChannel: false };
    throw e;
  }
});
