import { z } from "zod";
import { secureCookies } from "../../auth/deps";
import { clearSessionCookie } from "../../auth/session-token";
import { revokeSession } from "../../services/auth";
import { publicProcedure } from "../trpc";

/** Revokes the current session (its cookie stops working everywhere) and clears the cookie. */
export const signOut = publicProcedure.output(z.object({ signedOut: z.boolean() })).mutation(async ({ ctx }) => {
  if (ctx.session) await revokeSession(ctx.deps, ctx.session);
  ctx.resHeaders.append("set-cookie", clearSessionCookie(secureCookies(ctx.deps)));
  return { signedOut: ctx.session !== null };
});
