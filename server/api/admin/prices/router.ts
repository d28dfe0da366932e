import { createTRPCRouter } from "../../trpc";
import { history } from "./history";
import { override } from "./override";
import { sources } from "./sources";

export const adminPricesRouter = createTRPCRouter({ sources, history, override });
