/** The ops console's API: operators read (queries), admins act (mutations). Every mutation is audited. */
import { createTRPCRouter } from "../trpc";
import { adminPricesRouter } from "./prices/router";

export const adminRouter = createTRPCRouter({
  prices: adminPricesRouter,
});
