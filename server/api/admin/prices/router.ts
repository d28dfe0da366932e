import { createTRPCRouter } from "../../trpc";
import { override } from "./override";

export const adminPricesRouter = createTRPCRouter({ override });
