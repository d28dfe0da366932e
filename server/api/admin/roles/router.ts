import { createTRPCRouter } from "../../trpc";
import { grant } from "./grant";
import { list } from "./list";
import { revoke } from "./revoke";

export const adminRolesRouter = createTRPCRouter({ list, grant, revoke });
