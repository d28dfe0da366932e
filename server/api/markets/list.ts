import { publicProcedure } from "../trpc";
import { getDb } from "../../db";
import { listMarkets } from "../../services/markets";

/** Every market with its parameters (integer base units as bigint). */
export const list = publicProcedure.query(() => listMarkets(getDb()));
