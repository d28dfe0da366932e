import { channelsOf } from "../chain";
import { tracked } from "@trpc/server";
import { z } from "zod";
import type { StoredState } from "../../channels/repository";
import { authedProcedure } from "../trpc";
import { hash32Schema } from "./schemas";

/**
 * SSE stream of the trader's newly signed states, tracked by version: attaches to the feed
 * first, back-fills from the database after `lastEventId`, then skips versions already sent.
 */
export const states = authedProcedure
  .input(
    z.object({
      channelId: hash32Schema,
      lastEventId: z
        .string()
        .regex(/^\d{1,15}$/, "a state version: at most 15 digits")
        .nullish(),
    }),
  )
  .subscription(async function* ({ ctx, input, signal }) {
    const service = channelsOf(ctx);
    const queue: StoredState[] = [];
    let wake: (() => void) | null = null;
    const unsubscribe = service.feed.subscribe(ctx.session.address, (s) => {
      if (s.state.channelId.toLowerCase() !== input.channelId) return;
      queue.push(s);
      wake?.();
    });
    try {
      let sent = input.lastEventId ? BigInt(input.lastEventId) : -1n;
      for (const s of await service.statesAfter(ctx.session.address, input.channelId, sent)) {
        sent = s.state.version;
        yield tracked(String(s.state.version), s);
      }
      while (!signal?.aborted) {
        while (queue.length > 0) {
          const s = queue.shift()!;
          if (s.state.version <= sent) continue;
          sent = s.state.version;
          yield tracked(String(s.state.version), s);
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          signal?.addEventListener("abort", () => resolve(), { once: true });
        });
        wake = null;
      }
    } finally {
      unsubscribe();
    }
  });
