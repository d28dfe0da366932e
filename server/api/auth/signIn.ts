import { z } from "zod";
import { secureCookies } from "../../auth/deps";
import { serializeSessionCookie } from "../../auth/session-token";
import { signIn as signInService } from "../../services/auth";
import { publicProcedure, rateLimited } from "../trpc";
import { meSchema, toMe } from "./me";

export const signInInput = z.object({
  /** the EIP-4361 message the wallet showed */
  message: z.string().min(1).max(4096),
  /** personal_sign signature (65 bytes for a key; longer for ERC-1271/6492 smart wallets) */
  signature: z
    .string()
    .regex(/^0x(?:[0-9a-fA-F]{2})+$/, "must be 0x-prefixed hex bytes")
    .max(2 + 2 * 4096)
    .transform((s) => s as `0x${string}`),
});

/** Sign in with a signed SIWE message; sets the session cookie. */
export const signIn = publicProcedure
  .use(rateLimited("auth.signIn", "signIn"))
  .input(signInInput)
  .output(meSchema)
  .mutation(async ({ ctx, input }) => {
    const result = await signInService(ctx.services.auth, input, {
      ip: ctx.ip,
      userAgent: ctx.headers.get("user-agent"),
    });
    ctx.resHeaders.append(
      "set-cookie",
      serializeSessionCookie(result.token, {
        secure: secureCookies(ctx.services.auth),
        maxAgeSeconds: ctx.services.auth.sessionTtlSeconds,
      }),
    );
    return toMe(result.session);
  });
