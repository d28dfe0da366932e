import { createCallerFactory, createTRPCRouter } from "./trpc";
import { marketsRouter } from "./markets/router";
import { ordersRouter } from "./orders/router";
import { accountRouter } from "./account/router";
import { feedsRouter } from "./feeds/router";
import { status as systemStatus } from "./system/status";
import { authRouter } from "./auth/router";
import { channelRouter } from "./channel/router";
import { adminRouter } from "./admin/router";

export const appRouter = createTRPCRouter({
  system: createTRPCRouter({ status: systemStatus }),
  markets: marketsRouter,
  orders: ordersRouter,
  account: accountRouter,
  feeds: feedsRouter,
  auth: authRouter,
  channel: channelRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side calls (server components, tests) with a given context. */
export const createCaller = createCallerFactory(appRouter);
