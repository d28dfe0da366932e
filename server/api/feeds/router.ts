import { createTRPCRouter } from "../trpc";
import { account } from "./account";
import { book } from "./book";
import { trades } from "./trades";

export const feedsRouter = createTRPCRouter({ book, trades, account });
