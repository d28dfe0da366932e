import { z } from "zod";
import type { EngineEvent } from "../../../core/engine";

/** Pages go backwards in journal order: pass the previous page's nextBefore. */
export const pageInput = z.object({
  before: z.bigint().positive().optional(),
  limit: z.number().int().min(1).max(500).default(100),
});

/** An engine event as stored (bigint amounts; prices per lot as the engine has them). */
export const engineEvent = z.custom<EngineEvent>(
  (v) => typeof v === "object" && v !== null && typeof (v as { type?: unknown }).type === "string",
  "an engine event",
);
