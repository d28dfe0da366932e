import { createTRPCRouter } from "../../trpc";
import { challenges } from "./challenges";
import { checkpoint } from "./checkpoint";
import { coverage } from "./coverage";
import { list } from "./list";
import { releaseOpening } from "./releaseOpening";

export const adminChannelsRouter = createTRPCRouter({ list, challenges, coverage, checkpoint, releaseOpening });
