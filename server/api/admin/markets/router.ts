import { createTRPCRouter } from "../../trpc";
import { create } from "./create";
import { halt } from "./halt";
import { list } from "./list";
import { previewParams } from "./previewParams";
import { resume } from "./resume";
import { updateParams } from "./updateParams";

export const adminMarketsRouter = createTRPCRouter({ list, create, halt, resume, previewParams, updateParams });
