import { createCallerFactory, createTRPCRouter } from "./trpc";
import { list as marketsList } from "./markets/list";
import { status as systemStatus } from "./system/status";
import { authRouter } from "./auth/router";
import { channelRouter } from "./channel/router";

export const appRouter = createTRPCRouter({
  system: createTRPCRouter({ status: systemStatus }),
  markets: createTRPCRouter({ list: marketsList }),
  auth: authRouter,
  channel: channelRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side calls (server components, tests) with a given context. */
export const createCaller = createCallerFactory(appRouter);
