import { z } from "zod";
import { issueNonce } from "../../services/auth";
import { publicProcedure, rateLimited } from "../trpc";

/** A single-use sign-in nonce (a mutation: it writes a row, so only our own origin may ask). */
export const nonce = publicProcedure
  .use(rateLimited("auth.nonce", "nonce"))
  .output(z.object({ nonce: z.string(), expiresAt: z.date() }))
  .mutation(({ ctx }) => issueNonce(ctx.services.auth));
