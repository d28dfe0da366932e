import { z } from "zod";
import type { Session } from "../../auth/session";
import { publicProcedure } from "../trpc";

export const meSchema = z.object({
  address: z.string(),
  roles: z.array(z.enum(["TRADER", "OPERATOR", "ADMIN", "BROKER"])),
  /** suspended users can sign in and read, but not trade */
  suspended: z.boolean(),
});

export function toMe(session: Session): z.infer<typeof meSchema> {
  return { address: session.address, roles: [...session.roles], suspended: session.suspendedAt !== null };
}

/** Who is signed in, or null. */
export const me = publicProcedure
  .output(meSchema.nullable())
  .query(({ ctx }) => (ctx.session ? toMe(ctx.session) : null));
