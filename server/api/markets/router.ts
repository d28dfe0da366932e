import { createTRPCRouter } from "../trpc";
import { book } from "./book";
import { candles } from "./candles";
import { list } from "./list";
import { perpStats } from "./perpStats";
import { trades } from "./trades";

export const marketsRouter = createTRPCRouter({ list, book, trades, candles, perpStats });
