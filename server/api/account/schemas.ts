import { z } from "zod";

/** Pages go backwards in journal order: pass the previous page's nextBefore. */
export const pageInput = z.object({
  before: z.bigint().positive().optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
