import { createTRPCRouter } from "../../trpc";
import { detail } from "./detail";
import { resume } from "./resume";
import { search } from "./search";
import { suspend } from "./suspend";

export const adminUsersRouter = createTRPCRouter({ search, detail, suspend, resume });
