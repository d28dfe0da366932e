import { createTRPCRouter } from "../trpc";
import { amend } from "./amend";
import { cancel } from "./cancel";
import { place } from "./place";
import { setTpSl } from "./setTpSl";

export const ordersRouter = createTRPCRouter({ place, cancel, amend, setTpSl });
