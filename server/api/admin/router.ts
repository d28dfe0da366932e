/**
 * The ops console's API. Queries are operatorProcedure (OPERATOR or ADMIN: read), mutations are
 * adminProcedure (ADMIN: act); every mutation writes an audit record. admin.authorization.test.ts
 * walks this router and checks exactly that for every procedure.
 */
import { createTRPCRouter } from "../trpc";
import { list as auditList } from "./audit/list";
import { adminChannelsRouter } from "./channels/router";
import { summary as feesSummary } from "./fees/summary";
import { withdraw as feesWithdraw } from "./fees/withdraw";
import { withdrawable as feesWithdrawable } from "./fees/withdrawable";
import { health } from "./health";
import { adminMarketsRouter } from "./markets/router";
import { overview } from "./overview";
import { adminPricesRouter } from "./prices/router";
import { adminRiskRouter } from "./risk/router";
import { adminRolesRouter } from "./roles/router";
import { adminUsersRouter } from "./users/router";

export const adminRouter = createTRPCRouter({
  overview,
  health,
  roles: adminRolesRouter,
  markets: adminMarketsRouter,
  prices: adminPricesRouter,
  risk: adminRiskRouter,
  channels: adminChannelsRouter,
  users: adminUsersRouter,
  fees: createTRPCRouter({ summary: feesSummary, withdrawable: feesWithdrawable, withdraw: feesWithdraw }),
  audit: createTRPCRouter({ list: auditList }),
});
