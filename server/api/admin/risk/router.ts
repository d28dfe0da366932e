import { createTRPCRouter } from "../../trpc";
import { accounts } from "./accounts";
import { adl } from "./adl";
import { insurance } from "./insurance";
import { liquidations } from "./liquidations";
import { openInterest } from "./openInterest";

export const adminRiskRouter = createTRPCRouter({ accounts, liquidations, insurance, openInterest, adl });
