import { createTRPCRouter } from "../trpc";
import { balances } from "./balances";
import { channelPresence } from "./channelPresence";
import { fees } from "./fees";
import { fills } from "./fills";
import { funding } from "./funding";
import { history } from "./history";
import { openOrders } from "./openOrders";
import { positions } from "./positions";
import { summary } from "./summary";
import { triggerOrders } from "./triggerOrders";

export const accountRouter = createTRPCRouter({
  balances,
  positions,
  openOrders,
  triggerOrders,
  summary,
  channelPresence,
  fills,
  fees,
  funding,
  history,
});
