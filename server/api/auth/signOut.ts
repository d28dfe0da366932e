import { z } from "zod";
import { secureCookies } from "../../auth/deps";
import { clearSessionCookie } from "../../auth/session-token";
import { revokeSession } from "../../services/auth";
import { publicProcedure } from "../trpc";

/** Revokes the current session (its cookie stops working everywhere) and clears the cookie. */
export const signOut = publicProcedure.output(z.object({ signedOut: z.boolean() })).mutation(async ({ ctx }) => {
  if (ctx.session) await revokeSession(ctx.services.auth, ctx.session);
  ctx.resHeaders.append("set-cookie", clearSessionCookie(secureCookies(ctx.services.auth)));
  return { signedOut: ctx.session !== null };
});
