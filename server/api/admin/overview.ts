import { z } from "zod";
import { overview as overviewService } from "../../services/admin-health";
import { operatorProcedure } from "../trpc";
import { coverageRow, healthView, shortfallRow } from "./schemas";

const verdict = z.object({ ok: z.boolean(), reasons: z.array(z.string()) });

/** "Is the exchange healthy, solvent and safe right now?": three verdicts with reasons and the figures behind them. */
export const overview = operatorProcedure
  .output(
    z.object({
      at: z.date(),
      healthy: verdict,
      solvent: verdict,
      safe: verdict,
      health: healthView,
      coverage: z.array(coverageRow),
      coverageError: z.string().nullable(),
      risk: z.object({ below: z.number(), near: z.number(), withPositions: z.number() }),
      haltedMarkets: z.array(z.string()),
      openChallenges: z.array(
        z.object({
          channelId: z.string(),
          deadline: z.bigint(),
          secondsLeft: z.bigint().nullable(),
          watchtower: z.string().nullable(),
        }),
      ),
      channelAlerts: z.array(z.object({ id: z.string(), trader: z.string(), alert: z.string() })),
      reorgShortfalls: z.array(shortfallRow),
      recentLiquidations24h: z.number(),
    }),
  )
  .query(async ({ ctx }) => {
    return overviewService(ctx.services);
  });
